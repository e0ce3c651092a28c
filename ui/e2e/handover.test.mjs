// End-to-end, issue 21 item 4: the 引き継ぎ screen. 佐藤 leaves; his
// companies in 東京都 go to 鈴木: the preview lists and counts what moves
// (companies, contacts, open deals, open tasks, upcoming renewals), apply
// moves exactly that in one step, and undo gives every owner back.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/handover.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, openApp, apiData } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('hand-over (引き継ぎ)', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const call = (cmd) => apiData(page, cmd);
  const add = async (kind, fields) => (await call({ cmd: 'add', kind, fields })).id;
  const owner = async (kind, id, field = 'owner_id') => (await call({ cmd: 'get', kind, id })).data[field];
  const o = {};

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('handover.db');
    page = app.page;
    await call({ cmd: 'welcome_done' });
    o.sato = await add('user', { name: '佐藤 一郎', active: true });
    o.suzuki = await add('user', { name: '鈴木 花子', active: true });
    await call({ cmd: 'set_current_user', user_id: o.sato });
    o.tokyo = await add('company', { name: '株式会社 丸の内商事', prefecture: '東京都', rank: 'A', owner_id: o.sato, phone: '03-3211-0001（代）' });
    o.osaka = await add('company', { name: '浪速工業 株式会社', prefecture: '大阪府', owner_id: o.sato });
    o.yamada = await add('contact', { company_id: o.tokyo, family_name: '山田', given_name: '太郎', owner_id: o.sato });
    o.deal = await add('deal', { company_id: o.tokyo, title: '複合機リプレース', stage: 'proposal', owner_id: o.sato });
    o.won = await add('deal', { company_id: o.tokyo, title: '保守契約', stage: 'won', owner_id: o.sato });
    o.task = await add('task', { title: '見積書を送る', assignee_id: o.sato, company_id: o.tokyo });
    const { today } = await call({ cmd: 'home', mine: false });
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 45);
    o.renewal = await add('purchase', { company_id: o.tokyo, product_name: '保守パック', renewal_date: d.toISOString().slice(0, 10), status: 'active' });
    await page.reload();
    await byTest('screen-home').waitFor();
  });
  after(async () => {
    await app?.close();
    assert.deepEqual(app?.pageErrors ?? [], []);
  });

  test('the preview lists and counts what moves; a prefecture narrows it', T, async () => {
    await byTest('nav-handover').click();
    await byTest('screen-handover').waitFor();
    await byTest('ho-from').selectOption(o.sato);
    await byTest('ho-to').selectOption(o.suzuki);
    await byTest('ho-summary').waitFor();
    assert.equal(await byTest('ho-companies-count').textContent(), '2');
    assert.equal(await byTest('ho-contacts-count').textContent(), '1');
    assert.equal(await byTest('ho-deals-count').textContent(), '1');
    assert.equal(await byTest('ho-tasks-count').textContent(), '1');
    assert.equal(await byTest('ho-renewals-count').textContent(), '1');
    // The won deal is not in the list: closed deals stay.
    assert.match(await byTest('ho-deals').textContent(), /複合機リプレース/);
    assert.doesNotMatch(await byTest('ho-deals').textContent(), /保守契約/);
    await byTest('ho-prefecture').selectOption('東京都');
    await page.waitForFunction(() => document.querySelector('[data-testid=ho-companies-count]')?.textContent === '1');
    assert.match(await byTest('ho-companies').textContent(), /丸の内商事/);
    assert.match(await byTest('ho-summary').textContent(), /佐藤 一郎 → 鈴木 花子/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'handover-preview.png') });
  });

  test('apply moves them in one step; undo gives every owner back', T, async () => {
    page.once('dialog', (d) => d.accept());
    await byTest('ho-apply').click();
    await byTest('ho-history-item').waitFor();
    assert.equal(await owner('company', o.tokyo), o.suzuki);
    assert.equal(await owner('contact', o.yamada), o.suzuki);
    assert.equal(await owner('deal', o.deal), o.suzuki);
    assert.equal(await owner('task', o.task, 'assignee_id'), o.suzuki);
    // What stays: the other prefecture and the closed deal.
    assert.equal(await owner('company', o.osaka), o.sato);
    assert.equal(await owner('deal', o.won), o.sato);
    // Nothing left to move for this filter.
    await page.waitForFunction(() => document.querySelector('[data-testid=ho-companies-count]')?.textContent === '0');
    assert.equal(await byTest('ho-apply').isDisabled(), true);

    await byTest('ho-undo').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=ho-undo]'));
    assert.equal(await owner('company', o.tokyo), o.sato);
    assert.equal(await owner('contact', o.yamada), o.sato);
    assert.equal(await owner('deal', o.deal), o.sato);
    assert.equal(await owner('task', o.task, 'assignee_id'), o.sato);
    await page.waitForFunction(() => document.querySelector('[data-testid=ho-companies-count]')?.textContent === '1');
  });

  test('handing over to the same person is refused with what to do', T, async () => {
    await byTest('ho-to').selectOption(o.sato);
    await byTest('ho-error').waitFor();
    assert.match(await byTest('ho-error').textContent(), /別の人を選んでください/);
  });
});
