// End-to-end, issue 4 ("one record per customer"): Japanese-aware search in
// the Ctrl+K palette and the list filter, the reading suggestion, the duplicate
// hint while typing, the 重複 page, merge with values chosen field by field,
// and undo — in headless Chromium against the real core (`daifuku serve`).
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/search.test.mjs
//
// Screenshots: <repo>/test-artifacts/screenshots/{duplicates,merge-dialog,…}.png

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, startBridge, startBrowser, tempDir, apiData } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 120_000 };

describe('search, duplicates and merge end to end', () => {
  let bridge;
  let browser;
  let page;
  let dir;
  const pageErrors = [];
  const ids = {};

  const byTest = (id) => page.getByTestId(id);
  const go = async (hash) => {
    await page.evaluate((h) => (window.location.hash = h), hash);
  };
  const shot = async (name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  /** One command through the HTTP bridge, with the page's token. */
  const call = (cmd) => apiData(page, cmd);
  const get = (kind, id) => call({ cmd: 'get', kind, id });
  /** Opens the palette, types `q`, and returns the hits shown (kind, id, why). */
  const palette = async (q, expectId) => {
    if (!(await byTest('palette').isVisible().catch(() => false))) {
      await page.keyboard.press('Control+k');
      await byTest('palette').waitFor();
    }
    await byTest('palette-input').fill(q);
    // Wait for the hits of this query (not the previous one's).
    await page.waitForFunction((q) => document.querySelector('[data-testid=palette-results]')?.dataset.q === q, q);
    await page.locator(`[data-testid=palette-hit][data-id="${expectId}"]`).waitFor();
    return byTest('palette-hit').evaluateAll((els) => els.map((e) => ({ kind: e.dataset.kind, id: e.dataset.id, matched: e.dataset.matched, text: e.textContent })));
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = tempDir();
    bridge = await startBridge({ db: join(dir, 'search.db') });
    browser = await startBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(bridge.url);
    await byTest('screen-home').waitFor();
    const user = await call({ cmd: 'add', kind: 'user', fields: { name: '佐藤 花子' } });
    ids.user = user.id;
    const other = await call({ cmd: 'add', kind: 'company', fields: { name: '青葉建設株式会社', name_reading: 'アオバケンセツ', phone: '06-6123-4567', prefecture: '大阪府' } });
    ids.other = other.id;
  });

  after(async () => {
    await browser?.close();
    await bridge?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a company typed in the UI, its reading suggested from the kanji', T, async () => {
    await go('#/companies');
    await byTest('add-company').click();
    const dlg = byTest('dialog-company');
    await dlg.getByTestId('field-name').fill('株式会社山田商事');
    // フリガナ is empty: 読みを提案 asks the core (lindera + Debian's IPADIC).
    await dlg.getByTestId('suggest-name_reading').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=dialog-company] [data-testid=field-name_reading]')?.value === 'ヤマダショウジ');
    await dlg.getByTestId('field-prefecture').selectOption('東京都');
    await dlg.getByTestId('field-city').fill('中央区');
    await dlg.getByTestId('field-phone').fill('03-1234-5678');
    await dlg.getByTestId('form-save').click();
    await byTest('screen-company').waitFor();
    ids.yamada = decodeURIComponent(/#\/company\/([^?]+)/.exec(page.url())[1]);
    const c = await get('company', ids.yamada);
    assert.equal(c.data.name_reading, 'ヤマダショウジ');
  });

  test('Ctrl+K finds it by half-width kana, hiragana and a phone number in another notation', T, async () => {
    await go('#/');
    await byTest('screen-home').waitFor();
    const byKana = await palette('ﾔﾏﾀﾞ', ids.yamada);
    assert.deepEqual(byKana[0], { kind: 'company', id: ids.yamada, matched: 'reading', text: byKana[0].text });
    assert.match(byKana[0].text, /会社/, 'kind badge');
    assert.ok(!byKana.some((h) => h.id === ids.other), 'another company is not found');
    assert.equal(await byTest('palette-hit').first().locator('mark').textContent(), 'ヤマダ', 'the match is highlighted');

    const byHiragana = await palette('やまだ', ids.yamada);
    assert.equal(byHiragana[0].id, ids.yamada);

    const byPhone = await palette('(03)1234-5678', ids.yamada);
    assert.equal(byPhone[0].id, ids.yamada);
    assert.equal(byPhone[0].matched, 'phone');
    await shot('palette-phone');

    // Keyboard: the arrows move, Enter opens the selected record.
    await byTest('palette-input').fill('+81 3 1234 5678');
    await page.waitForFunction(() => document.querySelector('[data-testid=palette-results]')?.dataset.q === '+81 3 1234 5678');
    await page.locator(`[data-testid=palette-hit][data-id="${ids.yamada}"]`).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await byTest('palette').waitFor({ state: 'detached' });
    await byTest('screen-company').waitFor();
    assert.ok(page.url().includes(`#/company/${ids.yamada}`), page.url());
  });

  test('the company list filter finds by kana and by phone, through the search', T, async () => {
    await go('#/companies');
    const list = byTest('company-list');
    await list.locator('[data-testid=row-company]', { hasText: '青葉建設' }).waitFor();
    for (const q of ['ﾔﾏﾀﾞ', 'やまだしょうじ', '0312345678']) {
      await byTest('filter-q').fill(q);
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid=company-list] [data-testid=row-company]')];
        return rows.length === 1 && rows[0].textContent.includes('山田商事');
      });
    }
    await byTest('filter-q').fill('');
    await list.locator('[data-testid=row-company]', { hasText: '青葉建設' }).waitFor();
  });

  test('typing ㈱山田商事 with the same phone shows the duplicate hint, and saving is still allowed', T, async () => {
    await go('#/companies');
    await byTest('add-company').click();
    const dlg = byTest('dialog-company');
    await dlg.getByTestId('field-name').fill('㈱山田商事');
    await dlg.getByTestId('field-phone').fill('(03)1234-5678');
    const hint = dlg.getByTestId('duplicate-hint');
    await hint.waitFor();
    const cand = hint.locator(`[data-testid=duplicate-candidate][data-id="${ids.yamada}"]`);
    await cand.waitFor();
    await cand.locator('[data-rule=phone]').waitFor();
    assert.equal(await cand.locator('[data-rule=phone]').textContent(), '電話番号が同じ');
    // The same name in the same prefecture is a second rule.
    await dlg.getByTestId('field-prefecture').selectOption('東京都');
    await cand.locator('[data-rule=name_and_prefecture]').waitFor();
    assert.match(await cand.textContent(), /接触記録なし|最終接触/);
    await shot('duplicate-hint');
    await dlg.getByTestId('field-city').fill('千代田区');
    await dlg.getByTestId('field-email').fill('info@yamada.example');
    await dlg.getByTestId('form-save').click();
    await byTest('screen-company').waitFor();
    ids.dup = decodeURIComponent(/#\/company\/([^?]+)/.exec(page.url())[1]);
    assert.notEqual(ids.dup, ids.yamada);
    // A person at the second record, to be moved by the merge.
    const contact = await call({ cmd: 'add', kind: 'contact', fields: { family_name: '鈴木', given_name: '次郎', company_id: ids.dup } });
    ids.contact = contact.id;
  });

  test('editing a record never lists the record itself as its duplicate', T, async () => {
    await go(`#/company/${ids.yamada}`);
    await byTest('company-edit').click();
    const form = byTest('company-form');
    const hint = form.getByTestId('duplicate-hint');
    await hint.locator(`[data-id="${ids.dup}"]`).waitFor();
    assert.equal(await hint.locator(`[data-id="${ids.yamada}"]`).count(), 0);
    await form.getByTestId('form-cancel').click();
  });

  test('the 重複 page lists the pair; merge keeps the chosen values and moves the contact', T, async () => {
    await byTest('nav-duplicates').click();
    await byTest('screen-duplicates').waitFor();
    const group = byTest('dup-group').filter({ has: page.locator(`[data-id="${ids.dup}"]`) });
    await group.waitFor();
    assert.equal(await group.locator(`[data-testid=dup-record][data-id="${ids.yamada}"]`).count(), 1);
    assert.equal(await group.locator(`[data-testid=dup-record][data-id="${ids.other}"]`).count(), 0);
    assert.ok((await group.locator('[data-rule=phone]').count()) > 0);
    await group.locator(`[data-testid=dup-record][data-id="${ids.yamada}"] [data-testid=dup-pick]`).check();
    await group.locator(`[data-testid=dup-record][data-id="${ids.dup}"] [data-testid=dup-pick]`).check();
    await shot('duplicates');
    await byTest('dups-merge').click();
    const dlg = byTest('merge-dialog');
    await dlg.getByTestId('merge-table').waitFor();
    // 山田商事 (registered first) stays by default; the other one has the e-mail.
    assert.ok(await dlg.getByTestId('merge-keep-0').isChecked());
    assert.ok(await dlg.getByTestId('merge-pick-email-1').isChecked(), 'an empty value takes the other record’s');
    assert.ok(await dlg.getByTestId('merge-pick-city-0').isChecked());
    await dlg.getByTestId('merge-pick-city-1').check();
    await shot('merge-dialog');
    await dlg.getByTestId('merge-confirm').click();
    await dlg.waitFor({ state: 'detached' });
    await byTest('merge-item').first().waitFor();

    const survivor = await get('company', ids.yamada);
    assert.equal(survivor.data.name, '株式会社山田商事');
    assert.equal(survivor.data.city, '千代田区', 'the value picked from the other record');
    assert.equal(survivor.data.email, 'info@yamada.example');
    const loser = await get('company', ids.dup);
    assert.ok(loser.deleted_at != null, 'the other record is in the trash');
    assert.equal((await get('contact', ids.contact)).data.company_id, ids.yamada);

    // The survivor's page shows the moved contact.
    await go(`#/company/${ids.yamada}`);
    await byTest('company-view').waitFor();
    assert.equal(await byTest('value-city').textContent(), '千代田区');
    await page.locator('.overview-side a', { hasText: '鈴木 次郎' }).waitFor();
  });

  test('undo restores both records and moves the contact back', T, async () => {
    await go('#/duplicates');
    const item = byTest('merge-item').first();
    await item.getByTestId('merge-undo').click();
    await item.getByTestId('merge-undone').waitFor();
    const a = await get('company', ids.yamada);
    const b = await get('company', ids.dup);
    assert.equal(a.data.city, '中央区');
    assert.equal(a.data.email, null);
    assert.equal(b.deleted_at, null);
    assert.equal(b.data.city, '千代田区');
    assert.equal((await get('contact', ids.contact)).data.company_id, ids.dup);
    // The pair is listed again.
    await byTest('dup-group').filter({ has: page.locator(`[data-id="${ids.dup}"]`) }).waitFor();
    await shot('duplicates-after-undo');
  });

  test('a person: readings suggested for 姓 and 名, the same name at the same company is flagged', T, async () => {
    const taro = await call({ cmd: 'add', kind: 'contact', fields: { family_name: '山田', given_name: '太郎', company_id: ids.yamada, email: 'taro@yamada.example' } });
    await go(`#/company/${ids.yamada}?tab=contacts`);
    await byTest('add-contact').click();
    const dlg = byTest('dialog-contact');
    await dlg.getByTestId('field-family_name').fill('山田');
    await dlg.getByTestId('field-given_name').fill('太郎');
    // The company is preset (not shown in the form); the hint still knows it.
    const cand = dlg.locator(`[data-testid=duplicate-candidate][data-id="${taro.id}"]`);
    await cand.locator('[data-rule=person_and_company]').waitFor();
    assert.equal(await cand.locator('[data-rule=person_and_company]').textContent(), '同じ会社に同じ氏名');
    await dlg.getByTestId('suggest-family_reading').click();
    await dlg.getByTestId('suggest-given_reading').click();
    await page.waitForFunction(() => {
      const v = (n) => document.querySelector(`[data-testid=dialog-contact] [data-testid=field-${n}]`)?.value;
      return v('family_reading') === 'ヤマダ' && v('given_reading') === 'タロウ';
    });
    await shot('contact-reading-duplicate');
    await dlg.getByTestId('form-cancel').click();
    await dlg.waitFor({ state: 'detached' });
  });

  test('the company picker of a contact form finds the company by its reading and by phone', T, async () => {
    await go('#/contacts');
    await byTest('add-contact-global').click();
    const dlg = byTest('dialog-contact');
    for (const q of ['ﾔﾏﾀﾞ', '03 1234 5678']) {
      await dlg.getByTestId('field-company_id').fill(q);
      await dlg.getByTestId('field-company_id-option').filter({ hasText: '株式会社山田商事' }).waitFor();
      assert.equal(await dlg.getByTestId('field-company_id-option').filter({ hasText: '青葉建設' }).count(), 0);
    }
    await dlg.getByTestId('form-cancel').click();
    await dlg.waitFor({ state: 'detached' });
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
