// End-to-end, issue 18: 消去 (erase everywhere) from the contact page, with
// a confirmation that lists what goes, and the backup made before rewritten
// without the person; the trash's 完全に削除 and 空にする. The database file
// and its WAL are searched byte by byte before and after.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/erase.test.mjs

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, openApp, apiCall, apiData } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };
const FAMILY = '唐沢';
const GIVEN = '菜々子';
const EMAIL = 'nanako.karasawa@hokuto-seiki.example.jp';
const MOBILE = '090-4821-7730';

/** Which of the person's values are in the file (and its WAL). */
function found(path) {
  const parts = [path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p));
  const bytes = Buffer.concat(parts);
  return [FAMILY, GIVEN, EMAIL, MOBILE].filter((v) => bytes.includes(Buffer.from(v, 'utf8')));
}

describe('erase everywhere and the trash (issue 18)', () => {
  let app;
  let page;
  let db;
  const byTest = (id) => page.getByTestId(id);
  const call = (cmd) => apiData(page, cmd);
  const add = async (kind, fields) => (await call({ cmd: 'add', kind, fields })).id;
  const o = {};

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('erase.db');
    page = app.page;
    db = join(app.dir, 'erase.db');
    await call({ cmd: 'welcome_done' });
    o.company = await add('company', { name: '株式会社北斗精機', phone: '03-5412-8800（代）' });
    o.contact = await add('contact', {
      company_id: o.company,
      family_name: FAMILY,
      given_name: GIVEN,
      family_reading: 'カラサワ',
      email: EMAIL,
      mobile: MOBILE,
      phone: '03-5412-8800 内線 214',
      title: '課長',
    });
    await add('card_exchange', { contact_id: o.contact, exchanged_on: '2026-11-20', place: '国際ロボット展' });
    o.backup = join(app.dir, 'backups', 'before.db');
    await call({ cmd: 'backup', path: o.backup });
  });
  after(async () => {
    await app?.close();
    assert.deepEqual(app?.pageErrors ?? [], []);
  });

  test('消去 asks with what goes, erases the person from the database and the backup made before', T, async () => {
    assert.deepEqual(found(db), [FAMILY, GIVEN, EMAIL, MOBILE], 'the search finds her before');
    assert.deepEqual(found(o.backup), [FAMILY, GIVEN, EMAIL, MOBILE]);
    await page.evaluate((id) => (window.location.hash = `#/contact/${id}`), o.contact);
    await byTest('screen-contact').waitFor();
    // Cancelled: nothing goes.
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.dismiss();
    });
    await byTest('contact-erase').click();
    for (let i = 0; i < 100 && !question; i++) await page.waitForTimeout(100);
    assert.match(question, /唐沢 菜々子を完全に消去します。元に戻せません。/);
    assert.match(question, /名刺交換/);
    assert.match(question, /役職履歴/);
    assert.match(question, /以前のバックアップ1件/);
    assert.equal((await call({ cmd: 'get', kind: 'contact', id: o.contact })).id, o.contact);

    page.once('dialog', (d) => void d.accept());
    await byTest('contact-erase').click();
    await byTest('erase-backups').waitFor();
    assert.match(await byTest('erase-backup-list').innerText(), /before\.db/);
    await page.screenshot({ path: join(SHOTS, 'erase-backups.png') });
    await byTest('erase-backups-rewrite').click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/company/'));
    const gone = await apiCall(page, { cmd: 'get', kind: 'contact', id: o.contact });
    assert.equal(gone.code, 'not_found');
    assert.deepEqual(found(db), [], 'the database and its WAL');
    assert.deepEqual(found(o.backup), [], 'the backup made before, rewritten');
    const company = await call({ cmd: 'get', kind: 'company', id: o.company });
    assert.equal(company.data.name, '株式会社北斗精機');
    const audit = await call({ cmd: 'audit_list', query: {} });
    const entry = audit.find((e) => e.action === 'erase');
    assert.equal(entry.detail, o.contact);
  });

  test('完全に削除 and 空にする erase what is in the trash, after a confirmation', T, async () => {
    const a = await add('contact', { company_id: o.company, family_name: '杉浦', given_name: '一樹', email: 'k.sugiura@example.jp' });
    const b = await add('contact', { company_id: o.company, family_name: '三好', given_name: '玲奈' });
    const c = await add('deal', { company_id: o.company, title: '検査装置の更新', stage: 'proposal' });
    for (const [kind, id] of [['contact', a], ['contact', b], ['deal', c]]) await call({ cmd: 'delete', kind, id });
    await byTest('nav-trash').click();
    await byTest('screen-trash').waitFor();
    await byTest('trash-row').first().waitFor();
    assert.equal(await byTest('trash-row').count(), 3);
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await byTest('trash-row').filter({ hasText: '杉浦' }).getByTestId('trash-purge').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="trash-row"]').length === 2);
    assert.match(question, /杉浦 一樹を完全に削除します。元に戻せません。/);
    assert.equal((await apiCall(page, { cmd: 'get', kind: 'contact', id: a })).code, 'not_found');
    assert.equal(readFileSync(db).includes(Buffer.from('k.sugiura@example.jp')), false);

    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await byTest('trash-empty-all').click();
    await byTest('trash-empty').waitFor();
    assert.match(question, /ゴミ箱を空にします。2件を完全に削除し/);
    assert.match(question, /三好 玲奈/);
    assert.match(question, /検査装置の更新/);
    assert.equal((await apiCall(page, { cmd: 'get', kind: 'contact', id: b })).code, 'not_found');
    assert.equal((await apiCall(page, { cmd: 'get', kind: 'deal', id: c })).code, 'not_found');
    await page.screenshot({ path: join(SHOTS, 'erase-trash-empty.png') });
  });
});
