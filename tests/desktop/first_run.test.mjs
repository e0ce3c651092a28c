// The first run of the real desktop app (issue 23 item 3): the built Tauri
// binary on an EMPTY database, driven through tauri-driver + WebKitWebDriver.
// The welcome offers every way to start (empty, demo data, a file), the
// user's name and company and the language; the user chooses demo data, the
// records appear marked as demo, 削除する takes them away in one step, and
// the language switches.
//
// The app takes its database from DAIFUKU_DB, and tauri-driver starts it
// with the driver's own environment: the session starts the app through a
// small script (webdriver.mjs, startApp) that sets a database of its own (a
// new file) and XDG_DATA_HOME (the web view's storage: no language chosen
// before, as on a new computer).
//
// Env: DAIFUKU_DESKTOP_BIN (the app), DAIFUKU_BIN (the CLI, to check what
// the app wrote), WEBDRIVER_URL. Run by scripts/test-desktop.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const CLI = process.env.DAIFUKU_BIN;
const T = { timeout: 300_000 };
let app;
let dir;
let db;

const byTest = (id) => `[data-testid="${id}"]`;
function cli(...args) {
  return JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json'], { encoding: 'utf8' }));
}

/**
 * The app's yes/no questions are native dialogs (the dialog plugin replaces
 * window.confirm with an async function), which WebDriver cannot click. The
 * test puts an answer in their place the same shape: a Promise, answered a
 * moment later, so the app must wait for it. Resolves with what was asked.
 */
async function answerNextQuestion(answer) {
  await app.script(
    `const answer = arguments[0];
     window.__asked = null;
     window.confirm = (message) => {
       window.__asked = message;
       return new Promise((resolve) => setTimeout(() => resolve(answer), 800));
     };`,
    answer,
  );
}
async function asked() {
  let text = null;
  await app.waitFor('a question asked', async () => (text = await app.script('return window.__asked')) != null);
  return text;
}

before(async () => {
  assert.ok(APP && CLI, 'DAIFUKU_DESKTOP_BIN and DAIFUKU_BIN must be set');
  dir = mkdtempSync(join(tmpdir(), 'daifuku-first-run-'));
  db = join(dir, 'first-run.db');
  // A new database, and the web view's storage of a new computer (no language chosen yet).
  app = await startApp(APP, { DAIFUKU_DB: db, XDG_DATA_HOME: join(dir, 'data') });
});

after(async () => {
  await app?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a new database opens on the welcome, with every way to start', T, async () => {
  await app.find(byTest('screen-welcome'), 30000);
  assert.ok(existsSync(db), 'the app made its own new database');
  assert.equal(cli('company', 'list').total, 0, 'the database is empty');
  const text = await app.waitForText(byTest('screen-welcome'), (t) => t.includes('大福帳へようこそ'));
  // Start empty, try demo data, import a file; the name and the company; the language.
  for (const id of ['welcome-empty', 'welcome-demo', 'welcome-import', 'welcome-name', 'welcome-company', 'welcome-lang-ja', 'welcome-lang-en']) {
    assert.equal(await app.count(byTest(id)), 1, `${id} on the welcome`);
  }
  for (const words of ['空のまま始める', 'デモデータで試す', 'ファイルを取り込む', 'あなたの名前', 'あなたの会社名']) assert.ok(text.includes(words), `${words}: ${text}`);
  // The language, right there.
  await app.click(byTest('welcome-lang-en'));
  await app.waitForText(byTest('screen-welcome'), (t) => t.includes('Welcome to Daifuku') && t.includes('Try with demo data'));
  await app.shot('first-run-welcome-en');
  await app.click(byTest('welcome-lang-ja'));
  await app.waitForText(byTest('welcome-demo'), (t) => t.includes('デモデータで試す'));
  await app.shot('first-run-welcome');
});

test('name, company and demo data: the records appear, marked as demo', T, async () => {
  await app.type(byTest('welcome-name'), '佐藤 花子');
  await app.type(byTest('welcome-company'), '大福商事株式会社');
  await app.click(byTest('welcome-demo'));
  await app.waitForText(byTest('demo-banner'), (t) => t.includes('デモデータを表示中'), 180_000);
  assert.equal(await app.count(byTest('screen-welcome')), 0, 'the welcome is closed');
  await app.waitForText(byTest('current-user'), (t) => /(^|\n)佐藤 花子$/.test(t.trim()));
  await app.shot('first-run-demo-home');

  // The records, in the app and in the database: every one by the author `demo`.
  await app.go('#/companies');
  await app.waitForText(byTest('list-total'), (t) => t.replace(/[,，]/g, '').includes('200'), 30000);
  const companies = cli('company', 'list', '--limit', '1000');
  assert.equal(companies.total, 200);
  assert.deepEqual([...new Set(companies.items.map((c) => c.created_by))], ['demo']);
  const first = companies.items[0].display_name;
  await app.waitForText(byTest('screen-companies'), (t) => t.includes(first));
  const contacts = cli('contact', 'list', '--limit', '1');
  assert.ok(contacts.total > 200, `contacts: ${contacts.total}`);
  assert.equal(contacts.items[0].created_by, 'demo');

  // The user is a record of their own (not demo), chosen as the current user; the company is kept.
  const users = cli('user', 'list', '--limit', '1000').items;
  const me = users.filter((u) => u.data.name === '佐藤 花子');
  assert.equal(me.length, 1);
  assert.notEqual(me[0].created_by, 'demo');
  await app.go('#/settings');
  await app.waitFor('the company name in Settings', async () => (await app.script(`return document.querySelector('${byTest('own-company')}')?.value`)) === '大福商事株式会社');
  const current = await app.script(`return document.querySelector('${byTest('current-user-select')}').value`);
  assert.equal(current, me[0].id);
});

test('削除する removes every demo record in one step and keeps the user', T, async () => {
  await app.go('#/');
  await app.find(byTest('demo-remove'));
  const before = cli('company', 'list').total;
  // No: nothing goes (the app waits for the answer, not for the question to be shown).
  await answerNextQuestion(false);
  await app.click(byTest('demo-remove'));
  assert.match(await asked(), /デモデータ [\d,]+ 件をゴミ箱に移します。自分で登録したデータは残ります/);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(await app.count(byTest('demo-banner')), 1, 'the banner stays');
  assert.equal(cli('company', 'list').total, before, 'nothing removed after "no"');
  // Yes: every demo record, in one step.
  await answerNextQuestion(true);
  await app.click(byTest('demo-remove'));
  await asked();
  await app.waitFor('the demo banner gone', async () => (await app.count(byTest('demo-banner'))) === 0, 60_000);
  assert.equal(cli('company', 'list').total, 0);
  assert.equal(cli('contact', 'list').total, 0);
  assert.equal(cli('activity', 'list').total, 0);
  const users = cli('user', 'list', '--limit', '1000').items.map((u) => u.data.name);
  assert.deepEqual(users, ['佐藤 花子'], 'the demo users went, the user stayed');
  await app.waitForText(byTest('current-user'), (t) => t.includes('佐藤 花子'));
  await app.shot('first-run-demo-removed');
});

test('the language switches to English and back', T, async () => {
  await app.go('#/settings');
  await app.click(byTest('lang-en'));
  await app.waitForText(byTest('nav-companies'), (t) => t.trim().endsWith('Companies'));
  assert.equal(await app.script('return document.documentElement.lang'), 'en');
  assert.match(await app.innerText(byTest('screen-settings')), /Settings/);
  await app.shot('first-run-settings-en');
  // Kept across a restart of the page.
  await app.script('location.reload()');
  await app.waitForText(byTest('nav-companies'), (t) => t.trim().endsWith('Companies'), 30000);
  await app.go('#/settings');
  await app.click(byTest('lang-ja'));
  await app.waitForText(byTest('nav-companies'), (t) => t.trim().endsWith('会社'));
});
