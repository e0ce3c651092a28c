// Hand-over (引き継ぎ) and "what changed since I last looked" in the real
// desktop app (issue 21 items 4 and 5): the built Tauri binary on a new
// database of its own, driven through tauri-driver + WebKitWebDriver.
// 佐藤's 東京都 companies go to 鈴木 from the 引き継ぎ screen and come back
// with undo; then 鈴木's edit of a company 佐藤 has looked at shows as the
// list badge and the panel on its page (old → new, who).
//
// Env: DAIFUKU_DESKTOP_BIN (the app), WEBDRIVER_URL. Run by scripts/test-desktop.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const T = { timeout: 300_000 };
const byTest = (id) => `[data-testid="${id}"]`;
let app;
let dir;
const o = {};

/** One command through the app's own IPC. */
const call = (cmd) => app.call(cmd);
const add = async (kind, fields) => (await call({ cmd: 'add', kind, fields })).id;
const owner = async (kind, id, field = 'owner_id') => (await call({ cmd: 'get', kind, id })).data[field];

/** Chooses an option of a React-controlled <select>. */
async function choose(css, value) {
  await app.find(css);
  await app.script(
    `const el = document.querySelector(arguments[0]);
     const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;
     set.call(el, arguments[1]);
     el.dispatchEvent(new Event('change', { bubbles: true }));`,
    css,
    value,
  );
}

/** Native yes/no dialogs cannot be clicked by WebDriver: answer with a Promise, as the dialog plugin does. */
async function answerNextQuestion(answer) {
  await app.script(
    `const answer = arguments[0];
     window.confirm = () => new Promise((resolve) => setTimeout(() => resolve(answer), 300));`,
    answer,
  );
}

before(async () => {
  assert.ok(APP, 'DAIFUKU_DESKTOP_BIN must be set');
  dir = mkdtempSync(join(tmpdir(), 'daifuku-handover-'));
  app = await startApp(APP, { DAIFUKU_DB: join(dir, 'office.db'), XDG_DATA_HOME: join(dir, 'data') });
  await app.find(byTest('screen-welcome'), 30000);
  await call({ cmd: 'welcome_done' });
  o.sato = await add('user', { name: '佐藤 一郎', active: true });
  o.suzuki = await add('user', { name: '鈴木 花子', active: true });
  await call({ cmd: 'set_current_user', user_id: o.sato });
  o.tokyo = await add('company', { name: '株式会社 丸の内商事', prefecture: '東京都', owner_id: o.sato, phone: '03-3211-0001（代）' });
  o.osaka = await add('company', { name: '浪速工業 株式会社', prefecture: '大阪府', owner_id: o.sato });
  o.yamada = await add('contact', { company_id: o.tokyo, family_name: '山田', given_name: '太郎', owner_id: o.sato });
  o.deal = await add('deal', { company_id: o.tokyo, title: '複合機リプレース', stage: 'proposal', owner_id: o.sato });
  await app.script('location.reload()');
  await app.find(byTest('screen-home'), 30000);
});

after(async () => {
  await app?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('引き継ぎ: preview, apply and undo in the desktop app', T, async () => {
  await app.click(byTest('nav-handover'));
  await app.find(byTest('screen-handover'));
  await choose(byTest('ho-from'), o.sato);
  await choose(byTest('ho-to'), o.suzuki);
  await choose(byTest('ho-prefecture'), '東京都');
  const summary = await app.waitForText(byTest('ho-summary'), (t) => t.includes('会社 1社') && t.includes('担当者 1人') && t.includes('案件 1件'));
  assert.match(summary, /佐藤 一郎 → 鈴木 花子/);
  await answerNextQuestion(true);
  await app.click(byTest('ho-apply'));
  await app.find(byTest('ho-undo'));
  assert.equal(await owner('company', o.tokyo), o.suzuki);
  assert.equal(await owner('contact', o.yamada), o.suzuki);
  assert.equal(await owner('deal', o.deal), o.suzuki);
  assert.equal(await owner('company', o.osaka), o.sato);
  await app.click(byTest('ho-undo'));
  await app.waitFor('undone', async () => (await app.count(byTest('ho-undo'))) === 0);
  assert.equal(await owner('company', o.tokyo), o.sato);
  assert.equal(await owner('contact', o.yamada), o.sato);
  assert.equal(await owner('deal', o.deal), o.sato);
});

test('a colleague’s edit shows as the list badge and the panel on the page', T, async () => {
  await app.go(`#/company/${o.tokyo}`);
  await app.find(byTest('screen-company'));
  await app.waitFor('the visit is noted', async () => typeof (await call({ cmd: 'company_changes', company_id: o.tokyo })).seen_at === 'number');
  // 鈴木 changes the phone number (as herself), then 佐藤 is back.
  await call({ cmd: 'set_current_user', user_id: o.suzuki });
  await call({ cmd: 'patch', kind: 'company', id: o.tokyo, version: null, fields: { phone: '03-3211-0002（代）' } });
  await call({ cmd: 'set_current_user', user_id: o.sato });
  await app.go('#/companies');
  await app.script('location.reload()');
  await app.find(byTest('screen-companies'), 30000);
  await app.waitForText(byTest('changed-badge'), (t) => t.includes('更新'));
  await app.go(`#/company/${o.tokyo}`);
  const panel = await app.waitForText(byTest('changes-panel'), (t) => t.includes('03-3211-0002'));
  assert.match(panel, /03-3211-0001 \(代表\)/);
  assert.match(panel, /鈴木 花子/);
  await app.shot('changes-panel');
});
