// End-to-end, issue 21 items 3, 6, 7: this week's renewal reminder on Home
// with its reason, related companies from both sides and the merged mark
// (page and list), an information report in the Home feed of the user it
// was shared with (and not in the others'), a task found by Ctrl+K with its
// kind, and the calendar feed's address in Settings answering an .ics
// without the UI's token.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/follow_through.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, openApp, apiData } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('renewals, related companies, shared reports, search and the calendar feed', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);
  const shot = async (name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const call = (cmd) => apiData(page, cmd);
  const add = (kind, fields) => call({ cmd: 'add', kind, fields });
  /** Reloads the app on a route so it reads what the test wrote through the API. */
  const reload = async (hash) => {
    await go(hash);
    await page.reload();
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('follow.db');
    page = app.page;
    await call({ cmd: 'welcome_done' });
  });
  after(async () => {
    await app?.close();
    assert.deepEqual(app?.pageErrors ?? [], []);
  });

  test('Home lists this week’s renewal reminder with its reason', T, async () => {
    const { today } = await call({ cmd: 'home', mine: false });
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 60);
    const renewal = d.toISOString().slice(0, 10);
    const co = await add('company', { name: '株式会社山田商事' });
    const product = await add('product', { name: '複合機 保守契約', side: 'own', category: '保守' });
    const p = await add('purchase', { company_id: co.id, product_id: product.id, renewal_date: renewal, amount: 120000 });
    await add('purchase', { company_id: co.id, product_id: product.id, renewal_date: renewal, status: 'cancelled' });
    await reload('#/');
    const row = page.locator(`[data-testid=renewal-alert][data-id="${p.id}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /^複合機 保守契約（株式会社山田商事）: 更新日 .+ まで60日（60日前のお知らせ）$/);
    assert.equal(await byTest('renewal-alert').count(), 1, 'the cancelled contract is not reminded');
    await byTest('home-renewal-alerts').scrollIntoViewIfNeeded();
    await shot('home-renewal-alerts');
  });

  test('related companies from both sides, and the merged mark on the page and in the list', T, async () => {
    const hd = await add('company', { name: '大福ホールディングス株式会社' });
    const sub = await add('company', { name: '大福物流株式会社' });
    const old = await add('company', { name: '旧・丸山印刷株式会社' });
    await add('company_relation', { company_id: sub.id, relation: 'parent', related_company_id: hd.id });
    await add('company_relation', { company_id: old.id, relation: 'merged_into', related_company_id: hd.id, since: '2026-10-01' });
    await reload(`#/company/${hd.id}?tab=relations`);
    await byTest('related-companies').waitFor();
    // The rows load after the section: wait for both (a loaded machine showed the empty section first).
    await byTest('related-company').nth(1).waitFor();
    const rows = await byTest('related-company').evaluateAll((els) => els.map((e) => [e.dataset.relation, e.textContent]));
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => r[0]).sort(), ['merged_from', 'subsidiary']);
    assert.match(rows.find((r) => r[0] === 'subsidiary')[1], /子会社.*大福物流株式会社.*相手の会社に登録/);
    await shot('company-related-both-sides');
    // The other side, as recorded.
    await go(`#/company/${sub.id}?tab=relations`);
    await page.locator('[data-testid=related-company][data-relation=parent]').filter({ hasText: '大福ホールディングス株式会社' }).waitFor();
    // The merged company: its page and the list say so.
    await go(`#/company/${old.id}`);
    await byTest('company-fate').filter({ hasText: '大福ホールディングス株式会社に合併' }).waitFor();
    await go('#/companies');
    const oldRow = page.locator('.two-line').filter({ hasText: '旧・丸山印刷株式会社' });
    await oldRow.getByTestId('list-fate').waitFor();
    assert.equal(await oldRow.getByTestId('list-fate').textContent(), '合併');
    assert.equal(await page.locator('.two-line').filter({ hasText: '大福物流株式会社' }).getByTestId('list-fate').count(), 0);
  });

  test('an information report reaches the Home feed of the user it is shared with', T, async () => {
    const yamada = await add('user', { name: '山田 一郎' });
    const sato = await add('user', { name: '佐藤 花子' });
    await call({ cmd: 'set_current_user', user_id: yamada.id });
    const report = await add('activity', {
      kind: 'info_report',
      occurred_at: '2026-12-28 16:30',
      subject: 'ライバル精機が来春に値下げ',
      factuality: 'speculation',
      credibility: 3,
      importance: 5,
      urgency: 4,
      shared_with_ids: [sato.id],
    });
    await reload('#/');
    await byTest('home-shared-reports').waitFor();
    assert.equal(await byTest('shared-report').count(), 0, 'not shared with its author');
    await call({ cmd: 'set_current_user', user_id: sato.id });
    await reload('#/');
    const row = byTest('shared-report').filter({ hasText: 'ライバル精機が来春に値下げ' });
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /推測/);
    assert.match(text, /信憑性 3 · 重要度 5 · 緊急度 4/);
    assert.match(text, /山田 一郎/);
    assert.equal(await row.locator('a').first().getAttribute('href'), `#/activity/${report.id}`);
    await byTest('home-shared-reports').scrollIntoViewIfNeeded();
    await shot('home-shared-reports');
  });

  test('Ctrl+K finds a task, shown as a task', T, async () => {
    const task = await add('task', { title: '見積書を再送する', due: '2027-01-10' });
    await reload('#/');
    await byTest('screen-home').waitFor();
    await byTest('home-tasks').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+k');
    await byTest('palette').waitFor();
    await byTest('palette-input').fill('見積書');
    const hit = page.locator(`[data-testid=palette-hit][data-id="${task.id}"]`);
    await hit.waitFor();
    assert.equal(await hit.getAttribute('data-kind'), 'task');
    assert.equal(await hit.getByTestId('hit-kind').textContent(), 'タスク');
    await shot('palette-task-hit');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.location.hash.startsWith('#/tasks'));
  });

  test('Settings shows the calendar feed address; it answers an .ics without the UI token', T, async () => {
    await go('#/settings');
    await byTest('calendar-create').click();
    const url = await byTest('calendar-url').inputValue();
    const origin = await page.evaluate(() => window.location.origin);
    assert.match(url, new RegExp(`^${origin}/calendar/[A-Za-z0-9]{32,}\\.ics$`));
    await byTest('calendar-feed').scrollIntoViewIfNeeded();
    await shot('settings-calendar-feed');
    const ics = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    }, url);
    assert.equal(ics.status, 200);
    assert.equal(ics.type, 'text/calendar; charset=utf-8');
    assert.match(ics.text, /^BEGIN:VCALENDAR\r\n/);
    assert.match(ics.text.replace(/\r\n /g, ''), /SUMMARY:見積書を再送する\r\n/);
    // A new address: the old one stops answering.
    await byTest('calendar-renew').click();
    await page.waitForFunction((old) => document.querySelector('[data-testid=calendar-url]')?.value !== old, url);
    const old = await page.evaluate(async (u) => (await fetch(u)).status, url);
    assert.equal(old, 404);
  });
});
