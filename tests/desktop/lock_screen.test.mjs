// The lock screen of the real desktop app (issue 18): an encrypted database
// (made with the CLI's `daifuku encrypt`) opens on パスフレーズ; a wrong one
// is refused in Japanese and the file stays byte-identical; the right one
// opens the app; 今すぐロック locks it again. keyring-core's sample store
// stands in for the OS keychain (DAIFUKU_TEST_KEYCHAIN): nothing is
// remembered here, so the app must ask.
//
// Env: DAIFUKU_DESKTOP_BIN, DAIFUKU_BIN, WEBDRIVER_URL. Run by scripts/test-desktop.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const CLI = process.env.DAIFUKU_BIN;
const PASS = '桜の咲く頃に会いましょう';
const COMPANY = '株式会社デスクトップ錠前';
const T = { timeout: 300_000 };
const byTest = (id) => `[data-testid="${id}"]`;
let app;
let dir;
let db;

function cli(args, env = {}) {
  return JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, ...env } }));
}

before(async () => {
  assert.ok(APP && CLI, 'DAIFUKU_DESKTOP_BIN and DAIFUKU_BIN must be set');
  dir = mkdtempSync(join(tmpdir(), 'daifuku-lock-'));
  db = join(dir, 'locked.db');
  cli(['company', 'add', '--name', COMPANY]);
  cli(['encrypt'], { DAIFUKU_PASSPHRASE: PASS });
  assert.ok(!readFileSync(db).includes(Buffer.from(COMPANY)), 'encrypted on disk');
  app = await startApp(APP, {
    DAIFUKU_DB: db,
    XDG_DATA_HOME: join(dir, 'data'),
    DAIFUKU_TEST_KEYCHAIN: join(dir, 'keychain.ron'),
    DAIFUKU_PASSPHRASE: '',
  });
});

after(async () => {
  await app?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an encrypted database opens on the lock screen; the passphrase opens it; 今すぐロック locks it', T, async () => {
  await app.find(byTest('lock-screen'), 30000);
  const intro = await app.innerText(byTest('lock-screen'));
  assert.match(intro, /パスフレーズ/);
  assert.ok(!intro.includes(COMPANY));
  const before = readFileSync(db);
  await app.type(byTest('lock-passphrase'), '違うパスフレーズです');
  await app.click(byTest('lock-submit'));
  await app.waitForText(byTest('lock-error'), (t) => t.includes('パスフレーズが違います'), 20000);
  assert.ok(readFileSync(db).equals(before), 'a wrong passphrase leaves the file byte-identical');

  await app.type(byTest('lock-passphrase'), PASS);
  await app.click(byTest('lock-submit'));
  await app.find(byTest('screen-home'), 30000);
  await app.go('#/companies');
  await app.waitForText('#content', (t) => t.includes(COMPANY), 20000);

  await app.go('#/settings');
  await app.waitForText(byTest('encryption-state'), (t) => t.includes('暗号化されています'), 20000);
  await app.click(byTest('enc-lock-now'));
  await app.find(byTest('lock-screen'), 20000);
  assert.ok(!(await app.innerText('body')).includes(COMPANY), 'nothing of the data behind the lock screen');
});
