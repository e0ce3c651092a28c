// End-to-end, issue 21 item 5: what changed since I last looked. 佐藤
// opens a company; 鈴木 changes its phone number, logs a call and moves a
// deal; 佐藤 sees a badge on the company list, the panel on the page (old →
// new, who, when) and, once seen, no more; the office feed shows who did
// what today, filtered by person.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/changes.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, openApp, apiData } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('what changed since I last looked', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);
  const call = (cmd) => apiData(page, cmd);
  const add = async (kind, fields) => (await call({ cmd: 'add', kind, fields })).id;
  const o = {};

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('changes.db');
    page = app.page;
    await call({ cmd: 'welcome_done' });
    o.sato = await add('user', { name: '佐藤 一郎', active: true });
    o.suzuki = await add('user', { name: '鈴木 花子', active: true });
    await call({ cmd: 'set_current_user', user_id: o.sato });
    o.company = await add('company', { name: '株式会社 丸の内商事', phone: '03-3211-0001（代）', rank: 'B' });
    o.deal = await add('deal', { company_id: o.company, title: '複合機リプレース', stage: 'lead' });
    await page.reload();
    await byTest('screen-home').waitFor();
  });
  after(async () => {
    await app?.close();
    assert.deepEqual(app?.pageErrors ?? [], []);
  });

  test('the first visit shows nothing and is noted', T, async () => {
    await go(`#/company/${o.company}`);
    await byTest('screen-company').waitFor();
    await page.waitForTimeout(500);
    assert.equal(await byTest('changes-panel').count(), 0);
    const seen = await call({ cmd: 'company_changes', company_id: o.company });
    assert.equal(typeof seen.seen_at, 'number');
  });

  test('a colleague’s changes show as a badge, then as the panel, then are seen', T, async () => {
    // 鈴木 works on the records (as her own user).
    await call({ cmd: 'set_current_user', user_id: o.suzuki });
    const c = await call({ cmd: 'get', kind: 'company', id: o.company });
    await call({ cmd: 'patch', kind: 'company', id: o.company, version: c.version, fields: { phone: '03-3211-0002（代）', rank: 'A' } });
    await add('activity', { kind: 'call', occurred_at: '2026-04-01T10:00', company_id: o.company, subject: '値上げの相談' });
    await call({ cmd: 'patch', kind: 'deal', id: o.deal, version: null, fields: { stage: 'proposal' } });
    await call({ cmd: 'set_current_user', user_id: o.sato });
    await go('#/companies');
    await page.reload();
    await byTest('screen-companies').waitFor();
    await byTest('changed-badge').waitFor();
    assert.match(await byTest('changed-badge').textContent(), /更新 3/);

    await go(`#/company/${o.company}`);
    await byTest('changes-panel').waitFor();
    const counts = await byTest('changes-counts').textContent();
    assert.match(counts, /会社情報 1件/);
    assert.match(counts, /新しい活動 1件/);
    assert.match(counts, /案件の進捗 1件/);
    const phone = page.locator('[data-testid=change-field][data-field=phone]');
    assert.match(await phone.textContent(), /03-3211-0001 \(代表\).*→.*03-3211-0002 \(代表\)/);
    const stage = page.locator('[data-testid=change-field][data-field=stage]');
    assert.match(await stage.textContent(), /リード.*→.*提案/);
    assert.match(await byTest('changes-panel').textContent(), /鈴木 花子/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'changes-panel.png') });

    // Seen: next time, no panel and no badge.
    await go('#/companies');
    await page.reload();
    await byTest('screen-companies').waitFor();
    await page.waitForTimeout(500);
    assert.equal(await byTest('changed-badge').count(), 0);
    await go(`#/company/${o.company}`);
    await byTest('changes-none').waitFor();
    assert.equal(await byTest('changes-panel').count(), 0);
  });

  test('the office feed shows who changed what today, by person', T, async () => {
    await byTest('nav-feed').click();
    await byTest('feed-list').waitFor();
    const all = await byTest('change-entry').count();
    assert.ok(all >= 5, `${all} entries`);
    await byTest('feed-user').selectOption(o.suzuki);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=change-entry]').length === n, 3);
    const text = await byTest('feed-list').textContent();
    assert.match(text, /値上げの相談/);
    assert.match(text, /鈴木 花子/);
    assert.doesNotMatch(text, /佐藤 一郎/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'office-feed.png') });
  });
});
