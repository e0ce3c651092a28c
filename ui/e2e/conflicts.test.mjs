// Shared conflicts (issue 19): two databases sync through a temporary folder
// with the command line (`daifuku sync --folder`); the same phone number is
// edited on both; B's 競合 view (#/sync) shows the entry with the live
// current value and the losing value with its device; taking the other
// value there, then one round each, leaves A with that value and no open
// conflict — resolved on one laptop, resolved everywhere.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/conflicts.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, startBridge, startBrowser, tempDir } from './harness.mjs';

const T = { timeout: 120_000 };

function cli(db, args, now = '') {
  const out = execFileSync(BIN, ['--db', db, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, DAIFUKU_DB: '', DAIFUKU_NOW: String(now) } });
  return JSON.parse(out);
}

const YEAR = 365 * 24 * 3600 * 1000;

describe('a conflict resolved in the UI is resolved on the other laptop', () => {
  let dir;
  let a;
  let b;
  let folder;
  let id;
  before(() => {
    dir = tempDir('daifuku-conflicts-');
    a = join(dir, 'a.db');
    b = join(dir, 'b.db');
    folder = join(dir, 'shared');
    id = cli(a, ['company', 'add', '--name', '株式会社 競合テスト商事', '--phone', '03-1234-5678']).id;
    cli(a, ['sync', '--folder', folder, '--device-name', '営業部のPC']);
    cli(b, ['sync', '--folder', folder, '--device-name', '社長のノート']);
    cli(a, ['company', 'update', id, '--phone', '03-1111-1111']);
    cli(b, ['company', 'update', id, '--phone', '03-2222-2222']);
    cli(a, ['sync', '--folder', folder]);
    cli(b, ['sync', '--folder', folder]);
    cli(a, ['sync', '--folder', folder]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('both laptops list the same entry; B takes A’s value in the 競合 view; A follows after a round', T, async () => {
    const la = cli(a, ['conflicts']);
    const lb = cli(b, ['conflicts']);
    assert.equal(la.length, 1);
    assert.deepEqual(
      lb.map((c) => c.id),
      la.map((c) => c.id),
    );
    const bridge = await startBridge({ db: b });
    const browser = await startBrowser();
    const errors = [];
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (e) => errors.push(e.message));
      const [base, frag] = bridge.url.split('#');
      await page.goto(`${base}#${frag}`);
      await page.getByTestId('screen-home').waitFor();
      await page.evaluate(() => (location.hash = '#/sync'));
      const row = page.getByTestId('conflicts-table').locator('[data-testid=conflict-row]', { hasText: '競合テスト商事' });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-id'), String(la[0].id), 'the same id as on A');
      assert.match((await row.getByTestId('conflict-current').textContent()) ?? '', /03-2222-2222/);
      const loser = row.getByTestId('conflict-loser');
      assert.equal(await loser.count(), 1);
      const text = (await loser.textContent()) ?? '';
      assert.match(text, /03-1111-1111/);
      assert.match(text, /営業部のPC/, 'the losing value names the laptop it came from');
      await row.getByTestId('conflict-take').click();
      await page.getByTestId('sync-conflicts-empty').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await bridge.stop();
    }
    cli(b, ['sync', '--folder', folder]);
    cli(a, ['sync', '--folder', folder]);
    assert.deepEqual(cli(a, ['conflicts']), []);
    assert.equal(cli(a, ['company', 'show', id]).data.phone, '03-1111-1111');
  });
});

describe('a laptop whose clock is a year ahead', () => {
  test('is told in Japanese on its sync screen, and the others name it', T, async () => {
    const dir = tempDir('daifuku-clock-');
    const [a, b, c, folder] = ['a.db', 'b.db', 'c.db', 'shared'].map((n) => join(dir, n));
    const future = Date.now() + YEAR;
    try {
      const id = cli(a, ['company', 'add', '--name', '株式会社 時計テスト']).id;
      cli(a, ['sync', '--folder', folder, '--device-name', '営業部のPC']);
      cli(b, ['sync', '--folder', folder, '--device-name', '社長のノート']);
      cli(c, ['sync', '--folder', folder, '--device-name', '倉庫のPC'], future);
      cli(c, ['company', 'update', id, '--rank', 'A'], future + 1000);
      cli(c, ['sync', '--folder', folder], future + 2000);
      cli(a, ['sync', '--folder', folder]);
      cli(b, ['sync', '--folder', folder]);
      const r = cli(c, ['sync', '--folder', folder], future + 3000);
      assert.ok(r.warnings.some((w) => w.code === 'sync_clock_skew'), JSON.stringify(r.warnings));
      const skewed = cli(a, ['sync', 'skewed-edits']);
      assert.equal(skewed.length, 1);
      assert.equal(skewed[0].value, 'A');
      for (const [db, check] of [
        [
          c,
          async (page) => {
            const banner = page.getByTestId('sync-clock-self');
            await banner.waitFor();
            assert.match((await banner.textContent()) ?? '', /このパソコンの時計が約1年進んでいます。.*自動的に設定/);
          },
        ],
        [
          a,
          async (page) => {
            const row = page.getByTestId('sync-device-row').filter({ hasText: '倉庫のPC' });
            assert.match((await row.getByTestId('sync-device-clock').textContent()) ?? '', /時計が約1年進んでいます/);
            assert.equal(await page.getByTestId('sync-device-clock').count(), 1, 'only the laptop that is off is named');
            await page.getByTestId('sync-skewed-edits').getByTestId('skewed-edit-row').first().waitFor();
          },
        ],
      ]) {
        const bridge = await startBridge({ db });
        const browser = await startBrowser();
        try {
          const page = browser.context.pages()[0] ?? (await browser.context.newPage());
          page.setDefaultTimeout(20_000);
          await page.goto(bridge.url);
          await page.getByTestId('screen-home').waitFor();
          await page.evaluate(() => (location.hash = '#/sync'));
          await page.getByTestId('sync-devices').waitFor();
          await check(page);
        } finally {
          await browser.close();
          await bridge.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
