// The real desktop app: the built Tauri binary under Xvfb, driven by
// tauri-driver + WebKitWebDriver over the W3C WebDriver protocol (plain
// fetch, no client library). Run by scripts/test-desktop.sh, which starts
// tauri-driver and prepares a database with generated data.
//
// Env: DAIFUKU_DESKTOP_BIN (the app), DAIFUKU_DB (its database),
//      DAIFUKU_BIN (the CLI, to check what the app wrote), WEBDRIVER_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const WD = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.DAIFUKU_DESKTOP_BIN;
const CLI = process.env.DAIFUKU_BIN;
const DB = process.env.DAIFUKU_DB;
const SHOTS = process.env.DAIFUKU_SHOTS ?? 'test-artifacts/desktop';
let session;

async function wd(method, path, body) {
  const res = await fetch(`${WD}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}
const s = (path) => `/session/${session}${path}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function find(css, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const el = await wd('POST', s('/element'), { using: 'css selector', value: css });
      return Object.values(el)[0];
    } catch (e) {
      last = e;
      await sleep(200);
    }
  }
  throw new Error(`element ${css} not found: ${last}`);
}
// innerText through a script: WebKitWebDriver's element-text command skips
// parts of CSS-grid rows.
async function innerText(css) {
  return wd('POST', s('/execute/sync'), {
    script: 'const e = document.querySelector(arguments[0]); return e ? e.innerText : null;',
    args: [css],
  });
}
async function waitForText(css, pred, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let got = '';
  while (Date.now() < end) {
    got = (await innerText(css).catch(() => null)) ?? '';
    if (pred(got)) return got;
    await sleep(200);
  }
  throw new Error(`text of ${css} never matched; last: ${got.slice(0, 300)}`);
}
async function click(css) {
  await wd('POST', s(`/element/${await find(css)}/click`), {});
}
async function type(css, value) {
  const el = await find(css);
  await wd('POST', s(`/element/${el}/clear`), {});
  await wd('POST', s(`/element/${el}/value`), { text: value });
}
async function shot(name) {
  await sleep(300); // WebKit screenshots may lag a frame
  const png = await wd('GET', s('/screenshot'));
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(`${SHOTS}/${name}.png`, Buffer.from(png, 'base64'));
}
function cli(...args) {
  return JSON.parse(execFileSync(CLI, ['--db', DB, ...args, '--json'], { encoding: 'utf8' }));
}

before(async () => {
  assert.ok(APP && CLI && DB, 'DAIFUKU_DESKTOP_BIN, DAIFUKU_BIN and DAIFUKU_DB must be set');
  const caps = { capabilities: { alwaysMatch: { 'tauri:options': { application: APP } } } };
  const v = await wd('POST', '/session', caps);
  session = v.sessionId;
});

after(async () => {
  if (session) await wd('DELETE', s('')).catch(() => {});
});

test('the app starts and shows the company list from its database', async () => {
  const started = Date.now();
  await find('[data-testid="screen-home"], [data-testid="screen-companies"]', 30000);
  await wd('POST', s('/execute/sync'), { script: "location.hash = '#/companies'", args: [] });
  // The first company in あいうえお order, as the CLI sees it.
  const first = cli('company', 'list', '--limit', '1').items[0].display_name;
  const total = cli('company', 'list', '--limit', '1').total;
  const listText = await waitForText('[data-testid="screen-companies"]', (t) => t.includes(first));
  assert.ok(listText.includes(first));
  const shown = await waitForText('[data-testid="list-total"]', (t) => /\d/.test(t));
  assert.ok(shown.replace(/[,，]/g, '').includes(String(total)), `total ${total} not in "${shown}"`);
  console.log(`# first list painted ${Date.now() - started} ms after the WebDriver session began`);
  await shot('companies');
});

test('creating a company in the app writes it to the database', async () => {
  const name = `デスクトップ検証商事 ${process.pid}`;
  await click('[data-testid="add-company"]');
  await type('[data-testid="field-name"]', name);
  await type('[data-testid="field-name_reading"]', 'デスクトップケンショウショウジ');
  await shot('new-company');
  await click('[data-testid="form-save"]');
  await waitForText('[data-testid="record-title"]', (t) => t.includes(name));
  await shot('company-page');
  const found = cli('company', 'list', '--q', name).items.map((r) => r.display_name);
  assert.deepEqual(found, [name]);
});
