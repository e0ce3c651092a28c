// End-to-end for issue 20 item 6: a deals sheet as a sales office writes it
// (its own headers, owners who are not users yet) through the import
// wizard: the kind is guessed and shown first, the missing owners are
// offered as users to create, and the import links them.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/import_users.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiCall, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('Import: guessed kind and missing users', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const api = (cmd) => apiCall(page, cmd);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('import-users.db');
    page = app.page;
  });
  after(async () => {
    await app?.close();
  });

  test('a deals sheet is read as deals and its owners are created as users', T, async () => {
    const company = await api({ cmd: 'add', kind: 'company', fields: { name: '株式会社山田商事' } });
    assert.ok(company.data?.id, JSON.stringify(company));
    const file = join(app.dir, '商談一覧.csv');
    // UTF-8 with a BOM, as Excel saves "CSV UTF-8"; one owner written two ways.
    const rows = [
      '会社名,商談名,フェーズ,確度,受注予定日,見込金額,担当者',
      '山田商事,複合機入替,提案,50,2026/7/1,"1,800,000",山田　太郎',
      '山田商事,保守延長,交渉,70,2026/8/31,250000,山田太郎',
    ];
    writeFileSync(file, '\uFEFF' + rows.join('\r\n') + '\r\n');

    await page.evaluate(() => (window.location.hash = '#/import'));
    await byTest('screen-import').waitFor();
    await byTest('import-file').setInputFiles(file);
    await byTest('import-summary').waitFor();

    const guess = byTest('import-kind-guess');
    assert.equal(await guess.getAttribute('data-kind'), 'deal');
    assert.match(await guess.innerText(), /この表は『案件』として読み込みます\(推定\)/);
    assert.match(await byTest('import-missing-users').innerText(), /存在しない担当者 1 名をユーザーとして作成する/);
    assert.match(await byTest('import-missing-user-list').innerText(), /山田　太郎\(2 行\)/);
    assert.match(await byTest('import-row-2').innerText(), /山田　太郎/);
    assert.equal(await byTest('import-run').isDisabled(), true, 'rows in error wait for a decision');
    await page.screenshot({ path: join(SHOTS, 'import-missing-users.png') });

    await byTest('import-create-users').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="imp-count-error"] strong')?.textContent === '0');
    assert.equal(await byTest('import-run').isDisabled(), false);
    await byTest('import-run').click();
    await byTest('import-result').waitFor();
    assert.match(await byTest('import-result').innerText(), /新規 2 件.*ユーザー 1 名も作成しました/);

    const users = await api({ cmd: 'list', kind: 'user', query: { filters: [], limit: 100, no_total: false } });
    assert.equal(users.type, 'page', JSON.stringify(users));
    const names = users.data.items.map((u) => u.data.name);
    assert.deepEqual(names, ['山田　太郎']);
    const deals = await api({ cmd: 'list', kind: 'deal', query: { filters: [], limit: 100, no_total: false } });
    const owners = new Set(deals.data.items.map((d) => d.data.owner_id));
    assert.deepEqual([...owners], [users.data.items[0].id]);
    const stages = deals.data.items.map((d) => [d.data.title, d.data.stage, d.data.amount]).sort();
    assert.deepEqual(stages, [
      ['保守延長', 'negotiation', 250000],
      ['複合機入替', 'proposal', 1800000],
    ]);
    assert.deepEqual(app.pageErrors, []);
  });
});
