// End-to-end folder sync (issue 5): two bridges on two databases point at one
// temporary folder. A is set up and driven through the API, B through the UI
// (#/sync): a company made on A shows up on B after 「今すぐ同期」; the same
// field edited on both shows up in B's conflicts view and is settled there;
// an edit made on A while B deleted the record shows up in B's Trash.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/sync.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, startBridge, startBrowser, tempDir } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };
const PASS = '大福の合言葉';

/** Calls a bridge's API directly, as the UI would. */
async function api(bridge, cmd) {
  const [base, frag] = bridge.url.split('#');
  const token = /token=([^&]+)/.exec(frag)[1];
  const res = await fetch(new URL('/api', base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(cmd),
  });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(`${cmd.cmd}: ${body.code}: ${body.message}`), { body });
  return body;
}

describe('folder sync between two bridges', () => {
  let a;
  let b;
  let browser;
  let page;
  let dir;
  let folder;
  let companyId;
  const pageErrors = [];
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);
  const shot = async (name) => {
    await page.waitForFunction(() => !document.querySelector('.toast'), null, { timeout: 10_000 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const phoneOn = async (bridge) => (await api(bridge, { cmd: 'get', kind: 'company', id: companyId })).data.data.phone;
  /** Clicks 「今すぐ同期」 on B and waits for the round to finish. */
  const syncB = async () => {
    const before = await byTest('sync-last').getAttribute('data-at');
    await byTest('sync-now').click();
    await page.waitForFunction(
      (old) => document.querySelector('[data-testid=sync-last]')?.getAttribute('data-at') !== old && !document.querySelector('[data-testid=sync-indicator][data-state=busy]'),
      before,
    );
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = tempDir('daifuku-sync-e2e-');
    folder = join(dir, 'shared');
    mkdirSync(folder);
    a = await startBridge({ db: join(dir, 'a.db') });
    b = await startBridge({ db: join(dir, 'b.db') });
    browser = await startBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(b.url);
    await byTest('screen-home').waitFor();
  });

  after(async () => {
    await browser?.close();
    await a?.stop();
    await b?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('A: set up through the API, make a company, sync it into the folder (encrypted)', T, async () => {
    const s = await api(a, { cmd: 'sync_configure', folder, passphrase: PASS, device_name: '営業部のPC' });
    assert.equal(s.type, 'sync_status');
    assert.equal(s.data.setup.encrypted, true);
    const c = await api(a, { cmd: 'add', kind: 'company', fields: { name: '株式会社 同期テスト商事', phone: '03-1234-5678' } });
    companyId = c.data.id;
    const r = await api(a, { cmd: 'sync_now' });
    assert.equal(r.data.last_report.ok, true, JSON.stringify(r.data.last_report));
    assert.equal(r.data.last_report.changes_written, 1);
    assert.equal(r.data.pending_changes, 0);
    assert.ok(readdirSync(folder).some((n) => n.startsWith('crypt-')), 'the folder is encrypted');
  });

  test('B: set up through the UI; a wrong passphrase is said in words, the right one brings the company', T, async () => {
    assert.equal(await byTest('sync-indicator').getAttribute('data-state'), 'off');
    await go('#/sync');
    await byTest('screen-sync').waitFor();
    await byTest('sync-conflicts-empty').waitFor();
    await byTest('sync-folder').fill(folder);
    await byTest('sync-device-name').fill('社長のノート');
    await byTest('sync-passphrase').fill('まちがい');
    await byTest('sync-save').click();
    const err = byTest('sync-error');
    await err.waitFor();
    assert.equal(await err.getAttribute('data-code'), 'sync_wrong_passphrase');
    assert.match(await err.textContent(), /合言葉/);
    await page.waitForSelector('[data-testid=sync-indicator][data-state=error]');
    // What was typed stays; only the passphrase is typed again.
    assert.equal(await byTest('sync-folder').inputValue(), folder);
    await byTest('sync-passphrase').fill(PASS);
    await byTest('sync-save').click();
    await err.waitFor({ state: 'detached' });
    await page.waitForFunction(() => /受信 1件/.test(document.querySelector('[data-testid=sync-report]')?.textContent ?? ''));
    await page.waitForSelector('[data-testid=sync-indicator][data-state=ok]');
    await byTest('sync-devices').locator('[data-testid=sync-device-row]', { hasText: '営業部のPC' }).waitFor();
    await byTest('sync-devices').locator('[data-testid=sync-device-row]', { hasText: '社長のノート' }).waitFor();
    await shot('sync-settings');
    await go('#/companies');
    await byTest('company-list').locator('[data-testid=row-company]', { hasText: '同期テスト商事' }).waitFor();
  });

  test('the same field edited on both: the conflict shows on B and taking the other value syncs back', T, async () => {
    await api(b, { cmd: 'patch', kind: 'company', id: companyId, version: null, fields: { phone: '03-2222-2222' } });
    await api(a, { cmd: 'patch', kind: 'company', id: companyId, version: null, fields: { phone: '03-1111-1111' } });
    await api(a, { cmd: 'sync_now' });
    await go('#/sync');
    await byTest('screen-sync').waitFor();
    await syncB();
    const row = byTest('conflicts-table').locator('[data-testid=conflict-row]', { hasText: '同期テスト商事' });
    await row.waitFor();
    const current = (await row.getByTestId('conflict-current').textContent()) ?? '';
    const other = (await row.getByTestId('conflict-other').textContent()) ?? '';
    const values = [current, other].map((t) => /03-\d{4}-\d{4}/.exec(t)?.[0]).sort();
    assert.deepEqual(values, ['03-1111-1111', '03-2222-2222'], `${current} / ${other}`);
    assert.match(current + other, /営業部のPC/, 'which device');
    const otherValue = /03-\d{4}-\d{4}/.exec(other)[0];
    assert.equal(await phoneOn(b), /03-\d{4}-\d{4}/.exec(current)[0], 'the current value is the record’s');
    await page.waitForSelector('[data-testid=sync-indicator][data-state=warn]');
    await shot('sync-conflicts');
    await row.getByTestId('conflict-take').click();
    await byTest('sync-conflicts-empty').waitFor();
    assert.equal(await phoneOn(b), otherValue);
    await syncB();
    await api(a, { cmd: 'sync_now' });
    assert.equal(await phoneOn(a), otherValue, 'the choice reached A');
  });

  test('an edit on A while B deleted the record shows in B’s Trash and can be restored with the edit', T, async () => {
    await api(b, { cmd: 'delete', kind: 'company', id: companyId });
    await api(a, { cmd: 'patch', kind: 'company', id: companyId, version: null, fields: { phone: '03-3333-3333' } });
    await api(a, { cmd: 'sync_now' });
    await go('#/sync');
    await byTest('screen-sync').waitFor();
    await syncB();
    await go('#/trash');
    const row = byTest('trash-table').locator('[data-testid=trash-row]', { hasText: '同期テスト商事' });
    const conflict = row.getByTestId('trash-conflict');
    await conflict.waitFor();
    assert.match(await conflict.textContent(), /03-3333-3333/);
    await shot('sync-trash-conflict');
    await conflict.getByTestId('conflict-take').click();
    await row.waitFor({ state: 'detached' });
    const restored = await api(b, { cmd: 'get', kind: 'company', id: companyId });
    assert.equal(restored.data.deleted_at, null);
    assert.equal(restored.data.data.phone, '03-3333-3333');
  });

  test('B retires A (gone for good) after confirming', T, async () => {
    await go('#/sync');
    const row = byTest('sync-devices').locator('[data-testid=sync-device-row]', { hasText: '営業部のPC' });
    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('sync-retire').click();
    await row.locator('.badge', { hasText: '使用終了' }).waitFor();
    assert.equal(await row.getByTestId('sync-retire').count(), 0);
    const s = await api(b, { cmd: 'sync_status' });
    assert.ok(s.data.devices.some((d) => d.name === '営業部のPC' && d.retired));
    assert.deepEqual(pageErrors, []);
  });
});
