// End-to-end for printing (#22 part 2): 印刷 on the company page (顧客カード),
// the activity page (情報報告書) and the mailing list (宛名ラベル, 12 or 24 a
// sheet) downloads a PDF, which poppler's pdftotext reads back with the
// Japanese text and the 社外秘 footer.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/print.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiCall, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('Printing end to end', () => {
  let page;
  let dir;
  let app;
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);
  const api = (cmd) => apiCall(page, cmd);

  /** Clicks 印刷 and answers the PDF's name, page count and text (pdftotext). */
  const printed = async (locator) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
    const path = join(dir, `print-${Date.now()}.pdf`);
    await dl.saveAs(path);
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
    const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
    return { name: dl.suggestedFilename(), text, pages: Number(/Pages:\s+(\d+)/.exec(info)[1]) };
  };

  let company;
  let report;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('print.db', { timeout: 60_000 });
    ({ dir, page } = app);
    const user = await api({ cmd: 'add', kind: 'user', fields: { name: '印刷 花子' } });
    await api({ cmd: 'set_current_user', user_id: user.data.id });
    const boss = await api({ cmd: 'add', kind: 'user', fields: { name: '回覧 課長' } });
    company = (
      await api({ cmd: 'add', kind: 'company', fields: { name: '株式会社印刷テスト', postal_code: '150-0001', prefecture: '東京都', city: '渋谷区', street: '神宮前1-1' } })
    ).data.id;
    await api({ cmd: 'add', kind: 'contact', fields: { company_id: company, family_name: '宛名', given_name: '太郎', department: '総務部', title: '部長', decision_role: 'decision_maker' } });
    await api({ cmd: 'add', kind: 'company', fields: { name: '御中テスト有限会社', postal_code: '060-0001', prefecture: '北海道', city: '札幌市', street: '北1条' } });
    report = (
      await api({
        cmd: 'add',
        kind: 'activity',
        fields: { kind: 'info_report', occurred_at: '2026-03-20T15:30', company_id: company, subject: '競合の値下げ情報', factuality: 'fact', credibility: 3, shared_with_ids: [boss.data.id], content: '競合が来月から一割値下げする。' },
      })
    ).data.id;
  });

  after(async () => {
    await app?.close();
  });

  test('company page: 印刷 saves the 顧客カード', T, async () => {
    await go(`#/company/${company}`);
    await byTest('screen-company').waitFor();
    const pdf = await printed(byTest('company-print'));
    assert.match(pdf.name, /^顧客カード_株式会社印刷テスト_\d{4}-\d{2}-\d{2}\.pdf$/);
    assert.match(pdf.text, /顧客カード/);
    assert.match(pdf.text, /株式会社印刷テスト/);
    assert.match(pdf.text, /宛名 太郎/);
    assert.match(pdf.text, /決裁者/);
    assert.match(pdf.text, /社外秘 — printed by 印刷 花子, \d{4}-\d{2}-\d{2}/);
    await page.screenshot({ path: join(SHOTS, 'print-company.png') });
  });

  test('activity page: 印刷 saves the 情報報告書', T, async () => {
    await go(`#/activity/${report}`);
    await byTest('screen-activity').waitFor();
    const pdf = await printed(byTest('activity-print'));
    assert.match(pdf.text, /情報報告書/);
    assert.match(pdf.text, /競合の値下げ情報/);
    assert.match(pdf.text, /■事実/);
    assert.match(pdf.text, /□推測/);
    assert.match(pdf.text, /回覧 課長/);
    assert.match(pdf.text, /社外秘 — printed by 印刷 花子/);
  });

  test('mailing list: 宛名ラベル on 24-label sheets, 様 and 御中', T, async () => {
    await go('#/contacts');
    await byTest('screen-contacts').waitFor();
    await byTest('list-mailing').click();
    await byTest('dialog-mailing').waitFor();
    await byTest('labels-layout').selectOption('24');
    await byTest('labels-companies').check();
    const pdf = await printed(byTest('labels-print'));
    assert.match(pdf.name, /^宛名ラベル_24面_/);
    assert.equal(pdf.pages, 1);
    assert.match(pdf.text, /宛名 太郎 様/);
    assert.match(pdf.text, /御中テスト有限会社 御中/);
    assert.match(pdf.text, /〒150-0001/);
    assert.match(pdf.text, /社外秘 — printed by 印刷 花子/);
    await page.screenshot({ path: join(SHOTS, 'print-labels.png') });
  });

  test('no addresses: refused with print_no_labels', T, async () => {
    // A filter no contact matches: the labels have nothing to print.
    const r = await api({ cmd: 'print_labels', options: { mailing: { query: { filters: [{ field: 'family_name', op: 'eq', value: '該当なし' }], no_total: true } } } });
    assert.equal(r.code, 'print_no_labels', JSON.stringify(r));
  });
});
