// End-to-end for issue 6: a Shift_JIS CSV through the import wizard (one bad
// row: listed, downloadable as the error CSV, left out once accepted), the
// companies list exported as CSV with its filters, backup and restore.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/transfer.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiCall, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const FIXTURE = join(REPO, 'tests', 'fixtures', 'import', 'e2e_companies_cp932.csv');
const T = { timeout: 120_000 };

describe('Import, export and backup end to end', () => {
  let page;
  let dir;
  let pageErrors = [];

  const byTest = (id) => page.getByTestId(id);
  const go = async (hash) => {
    await page.evaluate((h) => (window.location.hash = h), hash);
  };
  /** Clicks `locator` and answers the downloaded file's name and bytes. */
  const download = async (locator) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
    const path = join(dir, `dl-${Date.now()}-${dl.suggestedFilename()}`);
    await dl.saveAs(path);
    return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
  };
  const api = (cmd) => apiCall(page, cmd);

  let app;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('transfer.db');
    ({ dir, page, pageErrors } = app);
  });

  after(async () => {
    await app?.close();
  });

  test('a Shift_JIS CSV with one bad row: listed, error CSV, good rows imported', T, async () => {
    await go('#/companies');
    await byTest('screen-companies').waitFor();
    await byTest('list-import').click();
    await byTest('screen-import').waitFor();
    assert.equal(await byTest('import-kind').inputValue(), 'company', 'the list toolbar chose companies');

    await byTest('import-file').setInputFiles(FIXTURE);
    await byTest('import-summary').waitFor();
    const summary = await byTest('import-summary').innerText();
    assert.match(summary, /Shift_JIS/, 'the encoding was detected');
    assert.match(await byTest('imp-count-rows').innerText(), /^4/);
    assert.match(await byTest('imp-count-create').innerText(), /^3/);
    assert.match(await byTest('imp-count-error').innerText(), /^1/);
    // The guessed mapping is shown as editable selects.
    assert.equal(await byTest('import-map-0').inputValue(), 'name');
    assert.equal(await byTest('import-map-4').inputValue(), 'email');
    // The bad row, with its reasons.
    const bad = byTest('import-row-4');
    assert.equal(await bad.getAttribute('data-action'), 'error');
    const badText = await bad.innerText();
    assert.match(badText, /不正データ株式会社/);
    assert.match(badText, /法人番号/);
    assert.match(badText, /メール/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'import-wizard.png') });
    await byTest('import-rows').scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, 'import-wizard-rows.png') });

    // The error CSV: the failing row only, with a reason column, UTF-8 with BOM.
    const errors = await download(byTest('import-error-csv'));
    assert.match(errors.name, /\.csv$/);
    assert.deepEqual([...errors.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const errText = errors.bytes.toString('utf8');
    assert.match(errText, /不正データ株式会社/);
    assert.match(errText, /not-an-email/);
    assert.doesNotMatch(errText, /大福テスト商事/);
    assert.equal(errText.trim().split(/\r?\n/).length, 2, 'header + the one bad row');

    // Rows in error: the import waits until "good rows only" is ticked.
    assert.equal(await byTest('import-run').isDisabled(), true);
    await byTest('import-accept-errors').check();
    await byTest('import-run').click();
    await byTest('import-result').waitFor();
    assert.equal(await byTest('import-job').getAttribute('data-state'), 'done');
    assert.match(await byTest('import-result').innerText(), /新規 3 件.*エラーで除外 1 件/);

    await byTest('import-open-list').click();
    await byTest('screen-companies').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=list-total]')?.textContent?.startsWith('3'));
    const list = await byTest('company-list').innerText();
    for (const name of ['株式会社大福テスト商事', '有限会社みかんテスト']) assert.ok(list.includes(name), `${name} in the list`);
    assert.ok(!list.includes('不正データ'), 'the bad row was left out');
  });

  test('the same layout again uses the saved mapping', T, async () => {
    await go('#/import');
    await byTest('screen-import').waitFor();
    await byTest('import-file').setInputFiles(FIXTURE);
    await byTest('import-summary').waitFor();
    assert.equal(await byTest('import-mapping-source').innerText(), '前回の設定');
    // Every good row now matches the companies just imported.
    assert.match(await byTest('imp-count-dup-db').innerText(), /^3/);
  });

  test('export the filtered list as CSV (UTF-8 with BOM)', T, async () => {
    await go('#/companies');
    await byTest('screen-companies').waitFor();
    await byTest('filter-prefecture').selectOption('東京都');
    await page.waitForFunction(() => document.querySelector('[data-testid=list-total]')?.textContent?.startsWith('1'));
    await byTest('list-export').click();
    const dlg = byTest('dialog-export');
    await dlg.waitFor();
    assert.match(await byTest('export-scope').innerText(), /絞り込み/);
    await byTest('export-format-csv').check();
    const file = await download(byTest('export-run'));
    assert.match(file.name, /\.csv$/);
    assert.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the BOM');
    const text = file.bytes.toString('utf8');
    assert.match(text, /株式会社大福テスト商事/);
    assert.doesNotMatch(text, /みかんテスト/, 'the filter applied');

    // Shift_JIS for old Excel, the whole list.
    await byTest('filter-prefecture').selectOption('');
    await page.waitForFunction(() => document.querySelector('[data-testid=list-total]')?.textContent?.startsWith('3'));
    await byTest('list-export').click();
    await byTest('export-format-csv_sjis').check();
    const sjis = await download(byTest('export-run'));
    const decoded = new TextDecoder('shift_jis').decode(sjis.bytes);
    assert.match(decoded, /有限会社みかんテスト/);
    assert.notDeepEqual([...sjis.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  });

  test('export a list as Excel', T, async () => {
    await go('#/activities');
    await byTest('screen-activities').waitFor();
    await byTest('list-export').click();
    await byTest('export-format-xlsx').check();
    const file = await download(byTest('export-run'));
    assert.match(file.name, /\.xlsx$/);
    assert.equal(file.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip (xlsx) file');
  });

  test('mailing list: counts, reasons left out, download', T, async () => {
    const co = await api({ cmd: 'add', kind: 'company', fields: { name: '宛名テスト株式会社', postal_code: '100-0001', prefecture: '東京都', city: '千代田区', street: '千代田1-1' } });
    assert.equal(co.type, 'record', JSON.stringify(co));
    const add = (fields) => api({ cmd: 'add', kind: 'contact', fields: { company_id: co.data.id, ...fields } });
    assert.equal((await add({ family_name: '届く', given_name: '太郎', department: '総務部', title: '部長' })).type, 'record');
    assert.equal((await add({ family_name: '届かない', given_name: '花子', address: '東京都港区1-1', postal_code: '105-0001', address_status: 'bounced' })).type, 'record');
    await go('#/contacts');
    await byTest('screen-contacts').waitFor();
    await byTest('list-mailing').click();
    await byTest('dialog-mailing').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=mailing-count]')?.textContent === '1');
    assert.match(await byTest('mailing-excluded').innerText(), /宛先不明 1/);
    const file = await download(byTest('mailing-download'));
    assert.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = file.bytes.toString('utf8');
    assert.match(text, /届く/);
    assert.match(text, /総務部/);
    assert.doesNotMatch(text, /届かない/);
  });

  test('back up, change something, restore the backup', T, async () => {
    await go('#/settings');
    const section = byTest('backup-section');
    await section.waitFor();
    await section.scrollIntoViewIfNeeded();
    const path = await byTest('backup-path').inputValue();
    assert.match(path, /backups[\\/]daifuku-\d{8}-\d{4}\.db$/, `default path ${path}`);
    await byTest('backup-now').click();
    const manual = byTest('backup-row').filter({ hasText: /daifuku-\d{8}-\d{4}\.db/ });
    await manual.waitFor();
    assert.equal(await byTest('backup-auto').isChecked(), true, 'automatic backups are on by default');
    // The bridge made today's rolling backup at start-up.
    assert.ok((await byTest('backup-list').innerText()).includes('daifuku-backup-'), 'the daily backup is listed');
    await page.waitForTimeout(300);
    await section.screenshot({ path: join(SHOTS, 'settings-backup.png') });

    // A change after the backup…
    const created = await api({ cmd: 'add', kind: 'company', fields: { name: '復元で消える株式会社' } });
    assert.equal(created.type, 'record');
    // …is gone after restoring it (with a confirmation first).
    await manual.getByTestId('backup-restore').click();
    await byTest('dialog-restore').waitFor();
    await Promise.all([page.waitForEvent('load'), byTest('restore-confirm').click()]);
    await byTest('screen-home').waitFor();
    await go('#/companies');
    await page.waitForFunction(() => document.querySelector('[data-testid=list-total]')?.textContent?.startsWith('4'));
    assert.ok(!(await byTest('company-list').innerText()).includes('復元で消える'));
    const page1 = await api({ cmd: 'list', kind: 'company', query: { filters: [], no_total: false } });
    assert.equal(page1.data.total, 4, 'the companies of the backup, without the one added after it');
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
