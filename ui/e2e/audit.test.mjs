// End-to-end for issue 18 items 2 and 3: a company list exported in the UI
// appears in 監査ログ (who, what, how many), the filters narrow it, the chain
// checks out; a private memo shows under its lock mark on the record page
// and is not in the exported file.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/audit.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiData, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };
const SECRET = '社長は来期退任予定(ひみつ)';

describe('監査ログ and private memos end to end', () => {
  let app;
  let page;
  let dir;
  let companyId;
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('audit.db');
    ({ page, dir } = app);
    const user = await apiData(page, { cmd: 'add', kind: 'user', fields: { name: '佐藤 花子' } });
    await apiData(page, { cmd: 'set_current_user', user_id: user.id });
    const c = await apiData(page, {
      cmd: 'add',
      kind: 'company',
      fields: { name: '株式会社山田商事', phone: '03-1234-5678（代）', private_memo: SECRET },
    });
    companyId = c.id;
    await apiData(page, { cmd: 'add', kind: 'company', fields: { name: '有限会社鈴木製作所' } });
    await page.reload();
    await byTest('screen-home').waitFor();
  });

  after(async () => {
    await app?.close();
  });

  test('the private memo shows under its lock mark on the record page', T, async () => {
    await go(`#/company/${companyId}`);
    await byTest('company-view').waitFor();
    const text = await byTest('company-view').innerText();
    assert.match(text, /🔒 自分用メモ/);
    assert.ok(text.includes(SECRET), 'the memo is shown on this computer');
    // An activity's form has its private switch under the same mark.
    await go('#/activity/new');
    const priv = page.locator('[data-section="activity_private"]');
    await priv.waitFor();
    assert.match(await priv.innerText(), /🔒 自分用/);
    assert.equal(await priv.locator('input[type="checkbox"]').count(), 1);
  });

  test('an export in the UI appears in the audit trail', T, async () => {
    await go('#/companies');
    await byTest('screen-companies').waitFor();
    await byTest('list-export').click();
    await byTest('export-format-csv').check();
    const [dl] = await Promise.all([page.waitForEvent('download'), byTest('export-run').click()]);
    const path = join(dir, `dl-${dl.suggestedFilename()}`);
    await dl.saveAs(path);
    const csv = readFileSync(path).toString('utf8');
    assert.ok(csv.includes('株式会社山田商事'), 'the export holds the companies');
    assert.ok(!csv.includes(SECRET), 'and not the private memo');

    await go('#/settings');
    await byTest('settings-audit').click();
    await byTest('screen-audit').waitFor();
    const row = byTest('audit-row').first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-action'), 'export');
    const rowText = await row.innerText();
    assert.match(rowText, /出力/);
    assert.match(rowText, /佐藤 花子/);
    assert.match(rowText, /company · csv/);
    assert.equal(await row.getByTestId('audit-count').innerText(), '2');
    await page.screenshot({ path: join(SHOTS, 'audit.png') });

    // Filters: what (削除 → nothing), who (the user → the export).
    await byTest('audit-action').selectOption('delete');
    await byTest('audit-empty').waitFor();
    await byTest('audit-action').selectOption('');
    await byTest('audit-row').first().waitFor();
    const from = await page.evaluate(() => {
      const d = new Date(Date.now() + 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await byTest('audit-from').fill(from);
    await byTest('audit-empty').waitFor();
    await byTest('audit-from').fill('');
    await byTest('audit-row').first().waitFor();

    await byTest('audit-verify').click();
    assert.match(await byTest('audit-verified').innerText(), /改ざんはありません/);
  });
});
