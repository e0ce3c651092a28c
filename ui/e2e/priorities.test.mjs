// End-to-end, issue 21 items 1 and 2: the 顧客ランク screen (the Pareto chart
// drawn by ECharts with the A/B boundaries, the ranked table, one-click apply
// and its undo), Home's overdue-contact and dormant lists, and a cross-sell
// suggestion with its reason on the company page — in headless Chromium
// against the real core (`daifuku serve`).
//
//   cargo build --bin daifuku && cd ui && npx vite build && node --test e2e/priorities.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiCall, openApp } from './harness.mjs';

const T = { timeout: 120_000 };

/** The core's today (`YYYY-MM-DD`, the bridge's clock and time zone); `daysAgo` counts back from it. */
let today = '';
const daysAgo = (n) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 864e5).toISOString().slice(0, 10);

describe('priorities and cross-sell', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const ids = {};
  const add = async (kind, fields) => {
    const r = await apiCall(page, { cmd: 'add', kind, fields });
    assert.equal(r.type, 'record', JSON.stringify(r));
    return r.data.id;
  };
  const rank = async (id) => {
    const r = await apiCall(page, { cmd: 'get', kind: 'company', id });
    return r.data.data.rank ?? null;
  };

  before(async () => {
    app = await openApp('priorities.db', { timeout: 60_000 });
    page = app.page;
    await apiCall(page, { cmd: 'welcome_done' });
    today = (await apiCall(page, { cmd: 'home', mine: false })).data.today;
    const mfp = await add('product', { name: '業務用複合機 DF-5000', side: 'own', category: '複合機' });
    const support = await add('product', { name: 'ネットワーク保守サポート', side: 'own', category: '保守サービス' });
    const forms = await add('product', { name: '電子帳票ソリューション', side: 'own', category: '文書管理' });
    ids.support = support;
    const co = async (name, rank) => add('company', { name, rank, status: 'customer' });
    ids.oyama = await co('株式会社大山商事', 'C');
    ids.kita = await co('北川工業株式会社', 'B');
    ids.minami = await co('南田物産株式会社', 'B');
    ids.koike = await co('有限会社小池製作所', 'C');
    ids.kyu = await co('株式会社休山', 'A');
    const buy = (company_id, product_id, amount, days) =>
      add('purchase', { company_id, product_id, amount, contract_date: daysAgo(days) });
    await buy(ids.oyama, mfp, 3_000_000, 30);
    await buy(ids.oyama, support, 2_000_000, 60);
    await buy(ids.kita, mfp, 1_500_000, 20);
    await buy(ids.kita, support, 500_000, 20);
    await buy(ids.minami, mfp, 1_000_000, 100);
    await buy(ids.minami, support, 1_000_000, 100);
    await buy(ids.koike, mfp, 1_000_000, 10);
    await buy(ids.kyu, forms, 800_000, 800); // outside the last 12 months
    await add('activity', { kind: 'visit', occurred_at: `${daysAgo(47)}T10:00`, company_id: ids.kyu, subject: '定期訪問' });
    for (const id of [ids.oyama, ids.kita, ids.minami, ids.koike]) {
      await add('activity', { kind: 'call', occurred_at: `${daysAgo(3)}T10:00`, company_id: id, subject: '近況確認' });
    }
  });

  after(async () => {
    assert.deepEqual(app?.pageErrors ?? [], []);
    await app?.close();
  });

  test('Home: who is overdue for contact, and why', T, async () => {
    await page.goto(page.url().split('#')[0] + '#/');
    await page.reload();
    const overdue = byTest('home-contact-overdue');
    await overdue.getByTestId('contact-overdue-row').first().waitFor();
    const text = (await overdue.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /株式会社休山 ?: 最終接触 47日前、目標30日/);
    assert.doesNotMatch(text, /大山商事/, 'contacted 3 days ago');
    await byTest('home-dormant').waitFor();
  });

  test('顧客ランク: the Pareto chart, the ranked table, apply and undo', T, async () => {
    await byTest('nav-priorities').click();
    await byTest('screen-priorities').waitFor();
    const chart = byTest('pareto-chart');
    await chart.locator('svg').waitFor();
    // Bars by customer, the cumulative line and the boundaries, in Japanese.
    const svgText = await chart.locator('svg').textContent();
    assert.match(svgText, /株式会社大山商事/);
    assert.match(svgText, /累積構成比/);
    assert.match(svgText, /A 70%/);
    assert.match(svgText, /B 90%/);
    assert.ok((await chart.locator('svg path').count()) > 5, 'bars and the line are drawn');

    const rows = byTest('prio-row');
    await rows.first().waitFor();
    const table = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const r = rows.nth(i);
      table.push([
        await r.getAttribute('data-id'),
        (await r.getByTestId('prio-suggested').innerText()).trim(),
      ]);
    }
    assert.deepEqual(table, [
      [ids.oyama, 'A'],
      [ids.kita, 'A'],
      [ids.minami, 'B'],
      [ids.koike, 'C'],
      [ids.kyu, 'C'],
    ]);
    assert.match(await rows.first().innerText(), /5,000,000円[\s\S]*50%[\s\S]*50%/);
    assert.match(await byTest('prio-summary').innerText(), /10,000,000円/);

    // One click applies the suggestions; the undo puts them back.
    assert.match(await byTest('prio-apply').innerText(), /3社/);
    await byTest('prio-apply').click();
    await byTest('prio-undo').waitFor();
    assert.equal(await rank(ids.oyama), 'A');
    assert.equal(await rank(ids.kita), 'A');
    assert.equal(await rank(ids.kyu), 'C');
    assert.ok(await byTest('prio-apply').isDisabled(), 'nothing left to apply');
    await byTest('prio-undo').click();
    await byTest('prio-undo').waitFor({ state: 'detached' });
    assert.equal(await rank(ids.oyama), 'C');
    assert.equal(await rank(ids.kita), 'B');
    assert.equal(await rank(ids.kyu), 'A');
  });

  test('a threshold that makes no sense is refused with the reason', T, async () => {
    await byTest('priority-settings').locator('summary').click();
    await byTest('setting-abc_b').fill('60');
    await byTest('priority-settings-save').click();
    await page.getByText('Bランクの境目はAランクの境目より大きくしてください').first().waitFor();
  });

  test('company page: a cross-sell suggestion with its reason', T, async () => {
    await page.goto(page.url().split('#')[0] + `#/company/${encodeURIComponent(ids.koike)}`);
    const item = byTest('cross-sell-item').first();
    await item.waitFor();
    assert.equal(await item.getAttribute('data-id'), ids.support);
    assert.match(await item.innerText(), /ネットワーク保守サポート/);
    // 複合機 in 4 baskets of 5, with 保守 in 3: 75%, lift 0.75 / 0.6 = 1.25.
    assert.match(await item.getByTestId('cross-sell-reason').innerText(), /業務用複合機 DF-5000 を買った会社の 75% が ネットワーク保守サポート も購入 · リフト 1.25/);
  });
});
