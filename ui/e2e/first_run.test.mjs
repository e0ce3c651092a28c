// End-to-end, issue 23 item 3 (first run): on a new database the welcome
// shows; the user's name and company, then デモデータで試す → Home shows the
// demo banner and the demo's data; 削除する (confirmed with the count) takes
// every demo record away and keeps the user's own company; the user is the
// current user — in headless Chromium against the real core (`daifuku serve`).
//
//   cargo build --bin daifuku && cd ui && npx vite build && node --test e2e/first_run.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiCall, openApp } from './harness.mjs';

const T = { timeout: 180_000 };

describe('first run', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const state = async () => {
    const r = await apiCall(page, { cmd: 'first_run_state' });
    assert.equal(r.type, 'first_run', JSON.stringify(r));
    return r.data;
  };

  before(async () => {
    app = await openApp('first.db');
    page = app.page;
  });

  after(async () => {
    assert.deepEqual(app?.pageErrors ?? [], []);
    await app?.close();
  });

  test('a new database shows the welcome, in the chosen language', T, async () => {
    await byTest('screen-welcome').waitFor();
    assert.match(await byTest('screen-welcome').innerText(), /大福帳へようこそ/);
    await byTest('welcome-lang-en').click();
    assert.match(await byTest('screen-welcome').innerText(), /Welcome to Daifuku/);
    assert.match(await byTest('welcome-demo').innerText(), /Try with demo data/);
    await byTest('welcome-lang-ja').click();
    assert.match(await byTest('welcome-demo').innerText(), /デモデータで試す/);
    const s = await state();
    assert.equal(s.new, true);
    assert.equal(s.welcome_done, false);
    assert.equal(await byTest('demo-banner').count(), 0);
  });

  test('name + company + demo data: the banner, the data and the current user', T, async () => {
    await byTest('welcome-name').fill('佐藤 花子');
    await byTest('welcome-company').fill('大福商事株式会社');
    await byTest('welcome-demo').click();
    await byTest('demo-banner').waitFor({ timeout: 120_000 });
    assert.match(await byTest('demo-banner').innerText(), /デモデータを表示中/);
    assert.equal(await byTest('screen-welcome').count(), 0, 'the welcome is closed');
    await byTest('recent-activity').first().waitFor();
    assert.match(await byTest('current-user').innerText(), /(^|\n)佐藤 花子$/);

    const s = await state();
    assert.equal(s.welcome_done, true);
    assert.equal(s.company_name, '大福商事株式会社');
    assert.ok(s.demo_records > 1000, `demo records: ${s.demo_records}`);
    const companies = await apiCall(page, { cmd: 'list', kind: 'company', query: { filters: [], no_total: false, limit: 1 } });
    assert.equal(companies.data.total, 200);
    const settings = await apiCall(page, { cmd: 'get_settings' });
    const me = await apiCall(page, { cmd: 'get', kind: 'user', id: settings.data.current_user_id });
    assert.equal(me.data.data.name, '佐藤 花子');
    assert.notEqual(me.data.created_by, 'demo');
  });

  test('削除する takes every demo record away and keeps the user’s own company', T, async () => {
    const own = await apiCall(page, { cmd: 'add', kind: 'company', fields: { name: '株式会社みどり製作所', name_reading: 'ミドリセイサクショ', phone: '03-1234-5678（代）' } });
    assert.equal(own.type, 'record', JSON.stringify(own));
    const before = await state();
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await byTest('demo-remove').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=demo-banner]'));
    assert.match(asked, new RegExp(`デモデータ ${before.demo_records.toLocaleString('ja')} 件`));
    assert.match(asked, /自分で登録したデータは残ります/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=recent-activity]').length === 0);

    const after = await state();
    assert.equal(after.demo_records, 0);
    const companies = await apiCall(page, { cmd: 'list', kind: 'company', query: { filters: [], no_total: false } });
    assert.deepEqual(companies.data.items.map((c) => [c.display_name, c.data.phone]), [['株式会社みどり製作所', '03-1234-5678 (代表)']]);
    const info = await apiCall(page, { cmd: 'app_info' });
    const nonZero = info.data.counts.filter((c) => c.count > 0).map((c) => [c.kind, c.count]);
    assert.deepEqual(Object.fromEntries(nonZero), { company: 1, user: 1 });
    assert.match(await byTest('current-user').innerText(), /(^|\n)佐藤 花子$/);

    // Closed for good: a reload shows Home without the welcome.
    await page.reload();
    await byTest('screen-home').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await byTest('screen-welcome').count(), 0);
    assert.equal(await byTest('demo-banner').count(), 0);
  });
});
