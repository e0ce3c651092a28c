// Issue 18: restoring an encrypted backup made under another passphrase
// (before a passphrase change) asks for that passphrase in the restore
// dialog; a wrong one is refused in Japanese and changes nothing; the right
// one restores the backup's records.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { apiData, openApp } from './harness.mjs';

const OLD = '桜の咲く頃に会いましょう';
const NEW = '新しいパスフレーズ 2027 春';

test('a backup from before a passphrase change asks for its passphrase', { timeout: 180_000 }, async () => {
  delete process.env.DAIFUKU_PASSPHRASE;
  const app = await openApp('restore-pass.db');
  const { page } = app;
  try {
    await apiData(page, { cmd: 'add', kind: 'company', fields: { name: '株式会社バックアップ前' } });
    await apiData(page, { cmd: 'encryption', action: 'encrypt', new_passphrase: OLD });
    const backup = join(app.dir, 'before-rekey.db');
    await apiData(page, { cmd: 'backup', path: backup });
    await apiData(page, { cmd: 'encryption', action: 'rekey', passphrase: OLD, new_passphrase: NEW });
    await apiData(page, { cmd: 'add', kind: 'company', fields: { name: '株式会社バックアップ後' } });

    await page.goto(app.bridge.url.replace(/#.*$/, '') + '#/settings');
    await page.getByTestId('restore-path').fill(backup);
    await page.getByTestId('restore-path-button').click();
    await page.getByTestId('restore-confirm').click();
    // Encrypted under the old passphrase: the dialog asks for it.
    await page.getByTestId('restore-passphrase').waitFor();
    assert.match(await page.getByTestId('restore-passphrase-field').textContent(), /別のパスフレーズ/);
    await page.getByTestId('restore-passphrase').fill('違うパスフレーズです');
    await page.getByTestId('restore-confirm').click();
    await page.getByTestId('restore-passphrase-error').waitFor();
    assert.match(await page.getByTestId('restore-passphrase-error').textContent(), /パスフレーズが違います/);
    let names = (await apiData(page, { cmd: 'list', kind: 'company', query: {} })).items.map((r) => r.display_name).sort();
    assert.deepEqual(names, ['株式会社バックアップ前', '株式会社バックアップ後'], 'nothing restored yet');
    // The right one restores the backup (the app starts again on it).
    await page.getByTestId('restore-passphrase').fill(OLD);
    await page.getByTestId('restore-confirm').click();
    await page.waitForLoadState('load');
    for (let i = 0; i < 100; i++) {
      names = (await apiData(page, { cmd: 'list', kind: 'company', query: {} }).catch(() => ({ items: [] }))).items.map((r) => r.display_name);
      if (names.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(names, ['株式会社バックアップ前']);
  } finally {
    await app.close();
  }
});
