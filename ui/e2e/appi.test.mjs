// End-to-end for issue 18 item 4, the APPI toolkit in the app: on a
// person's page 開示 downloads the package — JSON, HTML and PDF — (their activity in it; another
// attendee and the private memo not), 訂正 saves with a reason that lands in
// the audit trail, 利用停止 shows its banner and keeps the person out of the
// mailing list and of an export for a third party (made in the export
// dialog, whose record then shows on the other person's page); the incident
// register says a report is due and by when.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/appi.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, apiData, openApp } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };
const PRIVATE = '自分用:ご家族の話は口外しない';
const MEETING = '山田太郎様と導入時期を相談';
const SUZUKI_EMAIL = 'hanako.suzuki@yamada-shoji.co.jp';

describe('APPI toolkit end to end', () => {
  let app;
  let page;
  let dir;
  let yamada;
  let suzuki;
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);
  const download = async (locator) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
    const path = join(dir, `dl-${Date.now()}-${dl.suggestedFilename()}`);
    await dl.saveAs(path);
    return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await openApp('appi.db');
    ({ page, dir } = app);
    const user = await apiData(page, { cmd: 'add', kind: 'user', fields: { name: '佐藤 花子' } });
    await apiData(page, { cmd: 'set_current_user', user_id: user.id });
    const c = await apiData(page, {
      cmd: 'add',
      kind: 'company',
      fields: { name: '株式会社山田商事', phone: '03-1234-5678（代）', prefecture: '東京都', city: '千代田区', street: '丸の内1-1' },
    });
    yamada = (
      await apiData(page, {
        cmd: 'add',
        kind: 'contact',
        fields: { company_id: c.id, family_name: '山田', given_name: '太郎', email: 'taro@yamada-shoji.co.jp', phone: '03-1234-5678 内線 123', private_memo: PRIVATE },
      })
    ).id;
    suzuki = (
      await apiData(page, { cmd: 'add', kind: 'contact', fields: { company_id: c.id, family_name: '鈴木', given_name: '花子', email: SUZUKI_EMAIL } })
    ).id;
    await apiData(page, {
      cmd: 'add',
      kind: 'activity',
      fields: { kind: 'meeting', occurred_at: '2026-09-10T14:00', company_id: c.id, contact_ids: [yamada, suzuki], content: MEETING },
    });
    await page.reload();
    await byTest('screen-home').waitFor();
  });

  after(async () => {
    await app?.close();
  });

  test('開示 downloads the person’s package without others or private memos', T, async () => {
    await go(`#/contact/${yamada}`);
    await byTest('screen-contact').waitFor();
    const files = [];
    const both = new Promise((resolve) => {
      page.on('download', async (dl) => {
        const path = join(dir, `dl-${dl.suggestedFilename()}`);
        await dl.saveAs(path);
        files.push({ name: dl.suggestedFilename(), bytes: readFileSync(path) });
        if (files.length === 3) resolve();
      });
    });
    await byTest('contact-disclose').click();
    await both;
    page.removeAllListeners('download');
    const json = files.find((f) => f.name.endsWith('.json'));
    const html = files.find((f) => f.name.endsWith('.html'));
    const pdf = files.find((f) => f.name.endsWith('.pdf'));
    assert.ok(json && html && pdf, files.map((f) => f.name).join(', '));
    assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the printable PDF of the same package');
    const pkg = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(pkg.contact_id, yamada);
    assert.equal(pkg.activities.length, 1);
    assert.ok(JSON.stringify(pkg.activities).includes(MEETING));
    for (const f of [json, html]) {
      const text = f.bytes.toString('utf8');
      assert.ok(!text.includes(SUZUKI_EMAIL) && !text.includes('鈴木'), `${f.name} holds nobody else`);
      assert.ok(!text.includes(PRIVATE), `${f.name} holds no private memo`);
    }
    assert.ok(html.bytes.toString('utf8').includes('保有個人データ開示書'));
    const audit = await apiData(page, { cmd: 'audit_list', query: { action: 'disclose' } });
    assert.equal(audit.length, 1);
  });

  test('訂正 saves with its reason in the audit trail', T, async () => {
    await go(`#/contact/${yamada}`);
    await byTest('contact-correct').click();
    await byTest('correction-mode').waitFor();
    // The 利用停止 fields are not edited in the form.
    assert.equal(await byTest('contact-form').getByTestId('field-use_stopped').count(), 0);
    await byTest('correction-reason').fill('ご本人の申出: メールアドレスの誤り');
    await byTest('contact-form').getByTestId('field-email').fill('t.yamada@yamada-shoji.co.jp');
    await byTest('form-save').click();
    await byTest('contact-view').waitFor();
    assert.match(await byTest('contact-view').innerText(), /t\.yamada@yamada-shoji\.co\.jp/);
    const [entry] = await apiData(page, { cmd: 'audit_list', query: { action: 'correct' } });
    assert.equal(entry.filter, 'email');
    assert.match(entry.detail, /メールアドレスの誤り/);
  });

  test('利用停止 shows on the page and keeps the person out of the mailing list and third-party exports', T, async () => {
    await go(`#/contact/${yamada}`);
    await byTest('contact-stop-use').click();
    await byTest('stop-use-save').click();
    // A reason is needed.
    await byTest('dialog-stop-use').getByRole('alert').waitFor();
    assert.match(await byTest('dialog-stop-use').getByRole('alert').innerText(), /理由を入力してください/);
    await byTest('stop-use-reason').fill('ご本人から電話で利用停止の請求');
    await byTest('stop-use-save').click();
    await byTest('use-stopped-banner').waitFor();
    assert.match(await byTest('use-stopped-banner').innerText(), /利用停止中/);
    await page.screenshot({ path: join(SHOTS, 'appi-contact.png') });

    const dm = await apiData(page, { cmd: 'mailing_list', options: {} });
    assert.deepEqual(dm.list.rows.map((r) => r.contact_id), [suzuki]);
    assert.equal(dm.list.excluded.use_stopped, 1);

    await go('#/contacts');
    await byTest('screen-contacts').waitFor();
    await byTest('list-export').click();
    await byTest('export-format-csv').check();
    await byTest('export-third-party-on').check();
    await byTest('export-recipient').fill('株式会社データ連携');
    await byTest('export-purpose').fill('共同セミナーの案内');
    const file = await download(byTest('export-run'));
    const csv = file.bytes.toString('utf8');
    assert.ok(csv.includes(SUZUKI_EMAIL), 'the other person is provided');
    assert.ok(csv.includes('株式会社山田商事'), 'with their company');
    assert.ok(!csv.includes('太郎') && !csv.includes('t.yamada@'), 'the stopped person is not');
    await byTest('provision-done').waitFor();
    assert.match(await byTest('provision-done').innerText(), /株式会社データ連携への提供\(1人\)/);
    await page.keyboard.press('Escape');

    await go(`#/contact/${suzuki}`);
    await byTest('provision-item').first().waitFor();
    assert.match(await byTest('provision-item').first().innerText(), /株式会社データ連携/);
    await go(`#/contact/${yamada}`);
    await byTest('provision-list').waitFor();
    assert.equal(await byTest('provision-item').count(), 0);
  });

  test('the incident register says a report is due and by when', T, async () => {
    await go('#/settings');
    await byTest('settings-incidents').click();
    await byTest('screen-incidents').waitFor();
    await byTest('incident-new').click();
    await byTest('incident-discovered').fill('2026-09-20');
    await byTest('incident-what').fill('顧客一覧を誤って外部に送信');
    await byTest('incident-people').fill('1500');
    await byTest('incident-save').click();
    const verdict = byTest('incident-verdict').first();
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-due'), 'yes');
    const text = await verdict.innerText();
    assert.match(text, /1,000人超/);
    assert.match(text, /2026-09-25/);
    assert.match(text, /30日以内\(2026-10-20まで\)/);
    await page.screenshot({ path: join(SHOTS, 'appi-incidents.png') });
    assert.deepEqual(app.pageErrors, []);
  });
});
