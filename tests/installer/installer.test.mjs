// The installed app (issue 23, item 3): the binary from the .deb, extracted
// into a temporary root by scripts/test-installer.sh, under Xvfb, driven by
// tauri-driver + WebKitWebDriver over the W3C WebDriver protocol (plain fetch).
// It must open its window with the UI built into it, show the first-run
// welcome on an empty database, and suggest a フリガナ from the dictionary
// pack inside the package (the script hides every other source of readings).
//
// Env: DAIFUKU_INSTALLED_BIN (usr/bin/daifuku-desktop in the extracted root),
//      DAIFUKU_DB (a database file that does not exist yet), DAIFUKU_CACHE_DIR
//      (empty), WEBDRIVER_URL (a running tauri-driver).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WD = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.DAIFUKU_INSTALLED_BIN;
const DB = process.env.DAIFUKU_DB;
const CACHE = process.env.DAIFUKU_CACHE_DIR;
const SHOTS = process.env.DAIFUKU_SHOTS ?? 'test-artifacts/installer';
let session;

async function wd(method, path, body) {
  const res = await fetch(`${WD}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60000), // a command that hangs fails the test in a minute, not five
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}
const s = (path) => `/session/${session}${path}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = (script, ...args) => wd('POST', s('/execute/sync'), { script, args });

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
async function waitFor(what, read, pred, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let got;
  while (Date.now() < end) {
    got = await read().catch(() => undefined);
    if (pred(got)) return got;
    await sleep(200);
  }
  throw new Error(`${what} never matched; last: ${String(got).slice(0, 300)}`);
}
const innerText = (css) => run('const e = document.querySelector(arguments[0]); return e ? e.innerText : null;', css);
const valueOf = (css) => run('const e = document.querySelector(arguments[0]); return e ? e.value : null;', css);
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
/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name).slice(dir.length + 1));
}

before(async () => {
  assert.ok(APP && DB && CACHE, 'DAIFUKU_INSTALLED_BIN, DAIFUKU_DB and DAIFUKU_CACHE_DIR must be set');
  assert.match(APP, /\/usr\/bin\/daifuku-desktop$/, 'the binary as installed, not the build output');
  assert.equal(process.env.DAIFUKU_READING_DICT, undefined, 'the repository pack must be hidden');
  assert.equal(existsSync(DB), false, 'the database must be new');
  assert.deepEqual(filesUnder(CACHE), [], 'the reading cache must start empty');
  const caps = { capabilities: { alwaysMatch: { 'tauri:options': { application: APP } } } };
  session = (await wd('POST', '/session', caps)).sessionId;
});

after(async () => {
  if (session) await wd('DELETE', s('')).catch(() => {});
});

test('the installed app opens its window with the built-in UI and the first-run welcome', async () => {
  const started = Date.now();
  await find('[data-testid="screen-welcome"]', 30000);
  console.log(`# welcome shown ${Date.now() - started} ms after the WebDriver session began`);
  // The UI comes from inside the binary (Tauri's custom protocol), not a dev server.
  assert.match(await wd('GET', s('/url')), /^tauri:\/\/localhost(\/|$)/);
  const rect = await wd('GET', s('/window/rect'));
  assert.ok(rect.width >= 900 && rect.height >= 600, `window ${JSON.stringify(rect)}`);
  const welcome = await innerText('[data-testid="screen-welcome"]');
  assert.match(welcome, /大福帳へようこそ/);
  assert.match(welcome, /デモデータで試す/);
  assert.ok(existsSync(DB), `the app made its database at DAIFUKU_DB (${DB})`);
  await shot('welcome');
});

test('a フリガナ suggestion comes from the dictionary inside the package', async () => {
  await click('[data-testid="welcome-empty"]');
  await waitFor('the welcome closing', () => run("return !document.querySelector('[data-testid=screen-welcome]');"), (gone) => gone === true);
  await run("location.hash = '#/companies'");
  await click('[data-testid="add-company"]');
  await type('[data-testid="field-name"]', '株式会社山田商事');
  // (Here, not after the suggestion: WebKitWebDriver's screenshot never
  // answers in some states of this UI — after the welcome closes, after a
  // suggestion — with the build's binary as with the installed one.)
  await shot('new-company');
  await click('[data-testid="suggest-name_reading"]');
  const field = '[data-testid="field-name_reading"]';
  const note = '[data-testid="reading-note-name_reading"]';
  const reading = await waitFor(
    'the suggested reading',
    async () => (await valueOf(field)) || (await innerText(note)),
    (v) => typeof v === 'string' && v !== '',
    60000,
  );
  assert.equal(reading, 'ヤマダショウジ');
  // The pack was unpacked into the (empty) cache: the only dictionary there was.
  const cached = filesUnder(CACHE);
  assert.ok(cached.length > 0, 'nothing was unpacked into the reading cache');
  console.log(`# reading cache after the suggestion: ${cached.join(', ')}`);
});
