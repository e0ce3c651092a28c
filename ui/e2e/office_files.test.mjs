// End-to-end for issue 20: files as Japanese offices really have them,
// through the import wizard in the Japanese UI. A company list saved by
// Excel as CSV (CP932) with （代）/（代表）/内線 annotations, two numbers in
// one cell, an impossible number and readings in three kana forms; then an
// address book merged from a feature phone (vCard 2.1, Shift_JIS) and a
// smartphone (3.0/4.0, UTF-8), one card holding an invalid byte. The
// preview says per row, in Japanese, what was recognised and what was
// refused; the stored values are checked through the API.
//
// The files are made by tests/fixtures/import/make_fixtures.py (office_files).
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/office_files.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiCall, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const FIXTURES = join(REPO, 'tests', 'fixtures', 'import');
const T = { timeout: 120_000 };

describe('Office files through the import wizard (issue 20)', () => {
  let page;
  let pageErrors = [];
  let app;

  const byTest = (id) => page.getByTestId(id);
  const go = async (hash) => {
    await page.evaluate((h) => (window.location.hash = h), hash);
  };
  const api = (cmd) => apiCall(page, cmd);
  const all = async (kind) => {
    const r = await api({ cmd: 'list', kind, query: { filters: [], limit: 1000, no_total: false } });
    assert.equal(r.type, 'page', JSON.stringify(r));
    return r.data.items.map((s) => s.data);
  };
  const startImport = async (hash, screen, file) => {
    await go(hash);
    await byTest(screen).waitFor();
    await byTest('list-import').click();
    await byTest('screen-import').waitFor();
    await byTest('import-file').setInputFiles(join(FIXTURES, file));
    await byTest('import-summary').waitFor();
  };
  const runImport = async () => {
    // Rows in error: the import waits until "good rows only" is ticked.
    if (await byTest('import-run').isDisabled()) await byTest('import-accept-errors').check();
    await byTest('import-run').click();
    await byTest('import-result').waitFor();
    assert.equal(await byTest('import-job').getAttribute('data-state'), 'done');
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('office-files.db');
    ({ page, pageErrors } = app);
  });

  after(async () => {
    await app?.close();
  });

  test('a CP932 company list: annotations recognised, impossible numbers refused, in Japanese', T, async () => {
    await startImport('#/companies', 'screen-companies', 'e2e_office_companies_cp932.csv');
    assert.match(await byTest('import-summary').innerText(), /Shift_JIS/);
    assert.match(await byTest('imp-count-rows').innerText(), /^5/);
    assert.match(await byTest('imp-count-create').innerText(), /^4/);
    assert.match(await byTest('imp-count-error').innerText(), /^1/);

    // Rows are numbered as the file's lines (the header is line 1).
    const row = async (n) => byTest(`import-row-${n}`).innerText();
    // （代） and （代表）: the main line, recognised and named in Japanese.
    for (const n of [2, 3]) {
      const text = await row(n);
      assert.equal(await byTest(`import-row-${n}`).getAttribute('data-action'), 'create', text);
      assert.match(text, /代表番号/, text);
      assert.doesNotMatch(text, /[A-Za-z]{4,}/, `no English in the Japanese preview: ${text}`);
    }
    // 内線123: the extension, kept.
    assert.match(await row(4), /内線 ?123/);
    // 03 with 11 digits cannot exist: a row error that says why, in Japanese.
    const bad = await row(5);
    assert.equal(await byTest('import-row-5').getAttribute('data-action'), 'error');
    assert.match(bad, /電話番号/);
    assert.match(bad, /03-1234-56789/);
    assert.doesNotMatch(bad, /[A-Za-z]{4,}/, `no English in the Japanese preview: ${bad}`);
    // Two numbers in one cell: the second is kept and the row says where.
    assert.match(await row(6), /06-6123-4568/);
    await byTest('import-rows').scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, 'import-office-companies.png') });

    await runImport();
    const companies = await all('company');
    const byCode = Object.fromEntries(companies.map((c) => [c.code, c]));
    assert.deepEqual(Object.keys(byCode).sort(), ['E001', 'E002', 'E003', 'E005']);
    assert.equal(byCode.E001.phone, '0766-26-5865 (代表)');
    assert.equal(byCode.E001.name_reading, 'テストホクリクセイキ');
    assert.equal(byCode.E002.phone, '052-222-8256 (代表)');
    assert.equal(byCode.E002.name_reading, 'チュウブテストブツリュウ');
    assert.equal(byCode.E003.phone, '03-1234-5678 内線 123');
    assert.equal(byCode.E005.phone, '06-6123-4567');
    assert.equal(byCode.E005.name_reading, 'オオサカテストワークス');
    assert.match(byCode.E005.notes ?? '', /06-6123-4568/, 'the second number is kept on the record');

    // Search by the bare number finds the annotated record.
    const hits = await api({ cmd: 'search', q: '0766265865', limit: 5 });
    assert.equal(hits.type, 'search');
    assert.ok(hits.data.some((h) => h.display_name.includes('北陸精機')), JSON.stringify(hits.data));
  });

  test('a merged address book: every card decoded on its own, the broken one reported', T, async () => {
    await startImport('#/contacts', 'screen-contacts', 'e2e_merged_addressbook.vcf');
    assert.match(await byTest('imp-count-rows').innerText(), /^5/);
    assert.match(await byTest('imp-count-create').innerText(), /^5/);
    // Every company on the cards is already in the list: none is created.
    assert.equal(await byTest('imp-count-new-companies').count(), 0, 'no company is created for a garbled name');
    const broken = await byTest('import-row-5').innerText();
    assert.match(broken, /伊藤/);
    assert.match(broken, /⚠/);
    assert.doesNotMatch(broken, /[A-Za-z]{5,}/, `no English in the Japanese preview: ${broken}`);
    await page.screenshot({ path: join(SHOTS, 'import-merged-vcards.png') });

    await runImport();
    const contacts = await all('contact');
    const names = contacts.map((c) => `${c.family_name} ${c.given_name ?? ''}`.trim()).sort();
    assert.deepEqual(names, ['伊藤 美咲', '佐藤 花子', '山田 太郎', '鈴木 一郎', '高橋 次郎'].sort());
    const byFamily = Object.fromEntries(contacts.map((c) => [c.family_name, c]));
    assert.equal(byFamily['山田'].family_reading, 'ヤマダ');
    assert.equal(byFamily['山田'].given_reading, 'タロウ');
    assert.equal(byFamily['高橋'].given_reading, 'ジロウ');
    assert.equal(byFamily['佐藤'].family_reading, 'サトウ');
    for (const c of contacts) {
      const text = JSON.stringify(c);
      assert.ok(!text.includes('\uFFFD'), `no replacement character: ${text}`);
      assert.ok(!/[譛蜿邨]/.test(text), `no mojibake: ${text}`);
    }
    // One company per real company name, every contact linked to one.
    const companies = await all('company');
    assert.equal(companies.length, 4, JSON.stringify(companies.map((c) => c.name)));
    assert.ok(contacts.every((c) => c.company_id), 'every card is linked to its company');
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
