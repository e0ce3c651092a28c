// End-to-end, issue 19: cascading trash and orphans. Deleting a company asks
// with the counts of what goes along (担当者・商談・タスク・活動), the trash
// shows the company as one group with them and restores it together; a
// record left live under a deleted company shows in the 同期 view's
// section with its three ways out.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/trash.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, openApp, apiData } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('cascading trash (issue 19)', () => {
  let app;
  let page;
  const byTest = (id) => page.getByTestId(id);
  const call = (cmd) => apiData(page, cmd);
  const add = async (kind, fields) => (await call({ cmd: 'add', kind, fields })).id;
  const deleted = async (kind, id) => (await call({ cmd: 'get', kind, id })).deleted_at != null;
  const o = {};

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('trash.db');
    page = app.page;
    await call({ cmd: 'welcome_done' });
    o.yamada = await add('user', { name: '山田 太郎', active: true });
    await call({ cmd: 'set_current_user', user_id: o.yamada });
    o.hokuto = await add('company', { name: '株式会社 北斗商事', phone: '03-3211-4567（代）' });
    o.towa = await add('company', { name: '東和電機 株式会社' });
    o.contacts = [];
    for (const [f, g] of [['田中', '一郎'], ['佐藤', '花子'], ['鈴木', '健']]) {
      o.contacts.push(await add('contact', { company_id: o.hokuto, family_name: f, given_name: g, phone: '03-3211-4567 内線 301' }));
    }
    o.deal = await add('deal', { company_id: o.hokuto, title: '基幹システム更新', stage: 'proposal' });
    o.task = await add('task', { company_id: o.hokuto, title: '見積書を送る' });
    o.done = await add('task', { company_id: o.hokuto, title: '訪問のお礼状', done: true, done_on: '2026-09-01' });
    o.meeting = await add('activity', { company_id: o.hokuto, kind: 'meeting', occurred_at: '2026-09-10T10:00', subject: '定例会議' });
    await page.reload();
    await byTest('screen-home').waitFor();
  });
  after(async () => {
    await app?.close();
    assert.deepEqual(app?.pageErrors ?? [], []);
  });

  test('the delete confirmation counts what goes along, the trash shows one group and restores it together', T, async () => {
    await page.evaluate((id) => (window.location.hash = `#/company/${id}`), o.hokuto);
    await byTest('screen-company').waitFor();
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await byTest('company-delete').click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/companies'));
    assert.match(question, /株式会社 北斗商事/);
    assert.match(question, /担当者3件・商談1件・タスク1件・活動1件/);
    for (const id of o.contacts) assert.equal(await deleted('contact', id), true);
    assert.equal(await deleted('deal', o.deal), true);
    assert.equal(await deleted('task', o.task), true);
    assert.equal(await deleted('activity', o.meeting), true);
    assert.equal(await deleted('task', o.done), false, 'a done task stays');

    await byTest('nav-trash').click();
    await byTest('screen-trash').waitFor();
    const rows = byTest('trash-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1, 'one entry: the company with its group');
    assert.match(await byTest('trash-group').innerText(), /担当者3件・商談1件・タスク1件・活動1件/);
    await byTest('trash-group-toggle').click();
    const members = await byTest('trash-member').allInnerTexts();
    assert.equal(members.length, 6);
    assert.ok(members.some((m) => m.includes('田中 一郎')), members.join(' / '));
    await page.screenshot({ path: join(SHOTS, 'trash-group.png') });
    assert.match(await byTest('trash-restore').innerText(), /まとめて元に戻す/);
    await byTest('trash-restore').click();
    await byTest('trash-empty').waitFor();
    for (const id of o.contacts) assert.equal(await deleted('contact', id), false);
    assert.equal(await deleted('deal', o.deal), false);
    assert.equal(await deleted('company', o.hokuto), false);
  });

  test('a record left under a deleted company is listed in the sync view and moved to another company', T, async () => {
    await call({ cmd: 'delete', kind: 'company', id: o.hokuto });
    // The done task stayed; reopened (as a colleague's laptop could), it is
    // live work under a company in the trash.
    await call({ cmd: 'patch', kind: 'task', id: o.done, version: null, fields: { done: false, done_on: null } });
    await byTest('nav-sync').click();
    await byTest('orphans').waitFor();
    const text = await byTest('orphan-text').innerText();
    assert.match(text, /訪問のお礼状/);
    assert.match(text, /株式会社 北斗商事/);
    assert.match(text, /山田 太郎/);
    assert.match(text, /このパソコン/);
    await byTest('orphans').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'trash-orphans.png') });
    await byTest('orphan-move').click();
    await byTest('orphan-move-to').fill('東和');
    await byTest('orphan-move-to-option').filter({ hasText: '東和電機' }).first().click();
    await byTest('orphans').waitFor({ state: 'detached' });
    const task = await call({ cmd: 'get', kind: 'task', id: o.done });
    assert.equal(task.data.company_id, o.towa);
    assert.deepEqual(await call({ cmd: 'orphans' }), []);
  });
});
