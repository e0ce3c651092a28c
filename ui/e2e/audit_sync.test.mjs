// End-to-end for issue 18 item 3, the office view: laptop A (its own bridge)
// exports the company list as 佐藤 花子; after a round on each laptop, B's
// 監査ログ screen shows the export with who, which computer (by name) and
// how many, the computer filter narrows to A's entries, and 改ざんを確認
// checks every laptop's chain. A's name for itself carries markup: it is text.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/audit_sync.test.mjs

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBridge, startBrowser, tempDir } from './harness.mjs';

const T = { timeout: 120_000 };
// A's name for itself, as any laptop with folder access could write it: shown as text.
const A_NAME = '<img src=x onerror="window.__pwned=1">営業部のPC';

/**
 * Someone with access to the shared folder rewrites a file of it: the
 * document inside the sealed envelope (src/sync/format.rs: 51-byte header,
 * deflated body, SHA-256 over the name, a zero byte and the rest) is changed
 * and the file sealed again, so it reads as a whole file.
 */
function rewriteFolderFile(folder, name, change) {
  const bytes = readFileSync(join(folder, name));
  const HEADER = 51;
  const header = Buffer.from(bytes.subarray(0, HEADER));
  assert.equal(header.subarray(0, 8).toString('latin1'), 'DFKSYNC\0');
  assert.equal(header[10], 2, 'a plain, deflated document');
  const doc = JSON.parse(inflateRawSync(bytes.subarray(HEADER, bytes.length - 32)).toString('utf8'));
  change(doc);
  const body = deflateRawSync(Buffer.from(JSON.stringify(doc), 'utf8'));
  header.writeBigUInt64LE(BigInt(body.length), 43);
  const content = Buffer.concat([header, body]);
  const sum = createHash('sha256').update(Buffer.from(name, 'utf8')).update(Buffer.from([0])).update(content).digest();
  writeFileSync(join(folder, name), Buffer.concat([content, sum]));
}

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
  if (!res.ok) throw new Error(`${cmd.cmd}: ${body.code}: ${body.message}`);
  return body.data;
}

describe('監査ログ: a colleague’s export arrives through the sync folder', () => {
  let a;
  let b;
  let browser;
  let page;
  let dir;
  let folder;
  let aDevice;
  const pageErrors = [];
  const byTest = (id) => page.getByTestId(id);

  before(async () => {
    dir = tempDir('daifuku-audit-sync-');
    folder = join(dir, 'shared');
    mkdirSync(folder);
    a = await startBridge({ db: join(dir, 'a.db') });
    b = await startBridge({ db: join(dir, 'b.db') });
    // Laptop A: 佐藤 花子 exports the company list (a CSV for Excel).
    const sato = await api(a, { cmd: 'add', kind: 'user', fields: { name: '佐藤 花子' } });
    await api(a, { cmd: 'set_current_user', user_id: sato.id });
    for (const name of ['株式会社山田商事', '有限会社鈴木製作所', '田中工業株式会社']) {
      await api(a, { cmd: 'add', kind: 'company', fields: { name, phone: '03-1234-5678（代）' } });
    }
    await api(a, { cmd: 'export', kind: 'company', query: { filters: [] }, options: { format: 'csv', encoding: 'shift_jis', headers: 'ja' } });
    const sa = await api(a, { cmd: 'sync_configure', folder, device_name: A_NAME });
    const ra = await api(a, { cmd: 'sync_now' });
    assert.equal(ra.last_report.ok, true, JSON.stringify(ra.last_report));
    aDevice = ra.last_report.device_id;
    await api(b, { cmd: 'sync_configure', folder, device_name: '社長のノート' });
    const rb = await api(b, { cmd: 'sync_now' });
    assert.equal(rb.last_report.ok, true, JSON.stringify(rb.last_report));

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

  test('B’s 監査ログ shows A’s export with who, which computer and how many', T, async () => {
    await page.evaluate(() => (window.location.hash = '#/audit'));
    await byTest('screen-audit').waitFor();
    const row = page.locator('[data-testid="audit-row"][data-action="export"]');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    const text = await row.innerText();
    assert.match(text, /佐藤 花子/);
    assert.ok(text.includes(A_NAME), text);
    assert.match(text, /出力/);
    assert.equal((await row.getByTestId('audit-count').innerText()).trim(), '3');

    // The computer filter: A's entries only, then B's (its sync set-up) only.
    const options = await byTest('audit-device').locator('option').allInnerTexts();
    assert.ok(options.includes(A_NAME) && options.includes('社長のノート'), options.join(','));
    await byTest('audit-device').selectOption({ label: A_NAME });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=audit-row]')].every((r) => r.innerText.includes('営業部のPC')));
    const aRows = await byTest('audit-row').count();
    assert.ok(aRows >= 2, 'the export and A’s sync set-up');
    await byTest('audit-device').selectOption({ label: '社長のノート' });
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=audit-row]')];
      return rows.length > 0 && rows.every((r) => r.innerText.includes('社長のノート'));
    });
    assert.equal(await page.locator('[data-testid="audit-row"][data-action="export"]').count(), 0);

    // Every laptop's chain checks out here.
    await byTest('audit-verify').click();
    await byTest('audit-verified').waitFor();
    // The sync screen names the other computer too; nothing ran anywhere.
    await page.evaluate(() => (window.location.hash = '#/sync'));
    await byTest('screen-sync').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(pageErrors, []);
  });

  test('an entry altered in the shared folder is said on the sync screen and marked on 監査ログ', T, async () => {
    // A exports once more; before B's round, the folder's copy is made to say 1 record.
    await api(a, { cmd: 'export', kind: 'company', query: { filters: [] }, options: { format: 'xlsx', headers: 'ja' } });
    const ra = await api(a, { cmd: 'sync_now' });
    assert.equal(ra.last_report.ok, true, JSON.stringify(ra.last_report));
    const own = readdirSync(join(folder, 'd', aDevice)).filter((n) => n.startsWith('l-')).sort();
    const newest = `d/${aDevice}/${own[own.length - 1]}`;
    let seq;
    rewriteFolderFile(folder, newest, (doc) => {
      const e = doc.entries.find((x) => x.action === 'export');
      assert.equal(e.count, 3);
      e.count = 1;
      seq = e.device_seq;
    });

    await page.evaluate(() => (window.location.hash = '#/sync'));
    await byTest('screen-sync').waitFor();
    const before = await byTest('sync-last').getAttribute('data-at');
    await byTest('sync-now').click();
    await page.waitForFunction(
      (old) => document.querySelector('[data-testid=sync-last]')?.getAttribute('data-at') !== old && !document.querySelector('[data-testid=sync-indicator][data-state=busy]'),
      before,
    );
    await page.getByText('共有フォルダーで書き換えられた監査ログの記録を受け取りました').first().waitFor();

    // 監査ログ says so as it opens, and marks the entry (as it arrived: 1 record).
    await page.evaluate(() => (window.location.hash = '#/audit'));
    await byTest('screen-audit').waitFor();
    await byTest('audit-error').waitFor();
    assert.match(await byTest('audit-error').innerText(), /監査ログが書き換えられています/);
    const marked = page.locator('[data-testid="audit-row"][data-broken="true"]');
    await marked.waitFor();
    assert.equal(await marked.count(), 1);
    assert.match(await marked.innerText(), /改ざんの疑い/);
    assert.equal((await marked.getByTestId('audit-count').innerText()).trim(), '1');
    assert.match(await byTest('audit-error').innerText(), new RegExp(`${aDevice} #${seq}`));
    assert.deepEqual(pageErrors, []);
  });
});
