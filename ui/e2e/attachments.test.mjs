// End-to-end for issue 5's attachments: a business-card PNG attached to a
// contact shows as a thumbnail, downloads back byte for byte, and goes to
// the trash; a file over 20 MB is refused next to the picker.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/attachments.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiCall, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

/** A 2×2 PNG (red, green / blue, white). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC',
  'base64',
);

describe('Attachments end to end', () => {
  let page;
  let dir;
  let pageErrors = [];

  const byTest = (id) => page.getByTestId(id);
  const go = async (hash) => {
    await page.evaluate((h) => (window.location.hash = h), hash);
  };
  const api = (cmd) => apiCall(page, cmd);

  let app;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('attachments.db');
    ({ dir, page, pageErrors } = app);
  });

  after(async () => {
    await app?.close();
  });

  test('a business card on a contact: thumbnail, download, trash', T, async () => {
    const company = await api({ cmd: 'add', kind: 'company', fields: { name: '株式会社 山田商事' } });
    const contact = await api({ cmd: 'add', kind: 'contact', fields: { company_id: company.data.id, family_name: '山田', given_name: '太郎' } });
    const id = contact.data.id;
    await go(`#/contact/${id}`);
    await byTest('screen-contact').waitFor();
    const section = byTest('attachments');
    await section.getByTestId('attachments-empty').waitFor();

    const file = join(dir, '名刺_山田.png');
    writeFileSync(file, PNG);
    await section.getByTestId('attachment-input').setInputFiles(file);
    const item = section.getByTestId('attachment-item');
    await item.waitFor();
    assert.equal(await item.getAttribute('data-name'), '名刺_山田.png');
    // The thumbnail is the image itself, loaded (blob: URL under the CSP).
    const thumb = item.getByTestId('attachment-thumb');
    await thumb.waitFor();
    await page
      .waitForFunction(() => {
        const img = document.querySelector('[data-testid=attachment-thumb]');
        return img && img.complete && img.naturalWidth === 2;
      })
      .catch(async (e) => {
        const info = await page.evaluate(() => {
          const img = document.querySelector('[data-testid=attachment-thumb]');
          return { complete: img?.complete, w: img?.naturalWidth, src: img?.src };
        });
        throw new Error(`thumbnail not loaded: ${JSON.stringify(info)}: ${e.message}`);
      });
    assert.match(await thumb.getAttribute('src'), /^blob:/);
    assert.ok((await item.textContent()).includes(`${PNG.length} バイト`), 'the size in bytes, as Intl writes it in Japanese');
    await page.screenshot({ path: join(SHOTS, 'attachments-contact.png') });

    // Open = download: the same bytes come back.
    const [dl] = await Promise.all([page.waitForEvent('download'), item.getByTestId('attachment-open').click()]);
    assert.equal(dl.suggestedFilename(), '名刺_山田.png');
    const saved = join(dir, 'downloaded.png');
    await dl.saveAs(saved);
    assert.deepEqual(readFileSync(saved), PNG);

    // Listed by the core too, with its content hash.
    const listed = await api({ cmd: 'attachments', owner_kind: 'contact', owner_id: id });
    assert.equal(listed.data.length, 1);
    assert.equal(listed.data[0].size, PNG.length);

    // Delete: confirm, then it is gone from the page and in the trash.
    page.once('dialog', (d) => d.accept());
    await item.getByTestId('attachment-delete').click();
    await section.getByTestId('attachments-empty').waitFor();
    const trash = await api({ cmd: 'trash', offset: 0, limit: 20 });
    assert.ok(trash.data.some((t) => t.kind === 'attachment' && t.display_name === '名刺_山田.png'), JSON.stringify(trash.data));
  });

  test('a file over 20 MB is refused next to the picker, nothing added', T, async () => {
    const company = await api({ cmd: 'add', kind: 'company', fields: { name: '大福物産' } });
    await go(`#/company/${company.data.id}`);
    await byTest('screen-company').waitFor();
    const section = byTest('attachments');
    await section.getByTestId('attachments-empty').waitFor();
    const big = join(dir, 'big.pdf');
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024 + 10, 1));
    await section.getByTestId('attachment-input').setInputFiles(big);
    const err = section.getByTestId('attachment-error');
    await err.waitFor();
    assert.match(await err.textContent(), /big\.pdf.*20MB/);
    assert.equal(await section.getByTestId('attachment-item').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
