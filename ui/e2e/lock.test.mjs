// Encryption at rest (issue 18): 設定 encrypts the database, the lock
// screen asks for the パスフレーズ (a wrong one is refused in Japanese), the
// idle lock, "remember on this computer" across a restart (keyring-core's
// sample store stands in for the OS keychain: DAIFUKU_TEST_KEYCHAIN), and
// every other command answers `locked` while locked. The database file is
// searched byte for byte before and after.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiCall, apiData, openApp, startBridge } from './harness.mjs';

const PASS = '桜の咲く頃に会いましょう';
const COMPANY = '株式会社ロック精工';

function dbBytes(db) {
  return Buffer.concat(['', '-wal'].filter((s) => existsSync(db + s)).map((s) => readFileSync(db + s)));
}

test('encrypt from 設定, lock screen, idle lock, remember on this computer', { timeout: 240_000 }, async () => {
  const keychain = join(process.env.TMPDIR || '/tmp', `daifuku-e2e-keychain-${process.pid}.ron`);
  rmSync(keychain, { force: true });
  process.env.DAIFUKU_TEST_KEYCHAIN = keychain;
  delete process.env.DAIFUKU_PASSPHRASE;
  const app = await openApp('lock.db');
  const { page } = app;
  const db = join(app.dir, 'lock.db');
  let second = null;
  try {
    await apiData(page, { cmd: 'add', kind: 'company', fields: { name: COMPANY, phone: '03-3210-9876' } });
    assert.ok(dbBytes(db).includes(Buffer.from(COMPANY)), 'the plain file holds the name');

    // 設定 → 暗号化とロック: encrypt.
    await page.goto(app.bridge.url.replace(/#.*$/, '') + '#/settings');
    const section = page.getByTestId('encryption-section');
    await section.waitFor();
    assert.match(await page.getByTestId('encryption-state').textContent(), /暗号化されていません/);
    await page.getByTestId('enc-new').fill(PASS);
    await page.getByTestId('enc-again').fill(PASS + 'x');
    assert.equal(await page.getByTestId('enc-encrypt').isDisabled(), true, 'two different passphrases');
    await page.getByTestId('enc-again').fill(PASS);
    await page.getByTestId('enc-encrypt').click();
    await page.getByTestId('enc-message').filter({ hasText: '暗号化しました' }).waitFor();
    assert.match(await page.getByTestId('encryption-state').textContent(), /暗号化されています/);
    const bytes = dbBytes(db);
    assert.ok(!bytes.includes(Buffer.from(COMPANY)) && !bytes.includes(Buffer.from('03-3210-9876')), 'no name or phone on disk');
    assert.ok(!bytes.includes(Buffer.from('SQLite format 3')));
    // The audit trail has it.
    const audit = await apiData(page, { cmd: 'audit_list', query: {} });
    assert.ok(JSON.stringify(audit).includes('"encrypt"'), JSON.stringify(audit).slice(0, 300));

    // Lock now: the lock screen; nothing else answers.
    await page.getByTestId('enc-lock-now').click();
    await page.getByTestId('lock-screen').waitFor();
    const refused = await apiCall(page, { cmd: 'list', kind: 'company', query: {} });
    assert.equal(refused.code, 'locked');
    assert.equal(await page.getByText(COMPANY).count(), 0, 'no customer data on the lock screen');

    // A wrong passphrase: refused, in Japanese.
    await page.getByTestId('lock-passphrase').fill('違うパスフレーズです');
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('lock-error').waitFor();
    assert.match(await page.getByTestId('lock-error').textContent(), /パスフレーズが違います/);
    // The right one opens the app.
    await page.getByTestId('lock-passphrase').fill(PASS);
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('encryption-section').waitFor();
    const list = await apiData(page, { cmd: 'list', kind: 'company', query: {} });
    assert.deepEqual(list.items.map((r) => r.display_name), [COMPANY]);

    // The idle lock (shortened through the test hook): untouched, the app locks by itself.
    await page.evaluate(() => sessionStorage.setItem('daifuku.idle_ms', '1500'));
    await page.reload();
    await page.getByTestId('encryption-section').waitFor();
    await page.getByTestId('lock-screen').waitFor({ timeout: 15_000 });
    assert.equal((await apiData(page, { cmd: 'lock_status' })).locked, true);
    await page.evaluate(() => sessionStorage.removeItem('daifuku.idle_ms'));

    // Remember on this computer: a restarted app opens without asking.
    await page.getByTestId('lock-passphrase').fill(PASS);
    await page.getByTestId('lock-remember').check();
    await page.getByTestId('lock-submit').click();
    await page.getByTestId('encryption-section').waitFor();
    assert.equal((await apiData(page, { cmd: 'lock_status' })).remembered, true);
    await app.bridge.stop();
    const bridge = await startBridge({ db });
    second = { bridge };
    await page.goto(bridge.url);
    await page.getByTestId('screen-home').waitFor({ timeout: 20_000 });
    const status = await apiData(page, { cmd: 'lock_status' });
    assert.deepEqual([status.encrypted, status.locked, status.remembered], [true, false, true]);
    // The key never sits in a file of the app: the keychain stand-in is the only place.
    assert.ok(!readFileSync(db).includes(Buffer.from(PASS)));
  } finally {
    if (second) {
      // The first bridge was stopped already (harness's stop() waits for an exit that has happened).
      await second.bridge.stop();
      await app.browser.close();
      rmSync(app.dir, { recursive: true, force: true });
    } else {
      await app.close();
    }
    rmSync(keychain, { force: true });
  }
});
