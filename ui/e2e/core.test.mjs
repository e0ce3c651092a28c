// End-to-end: the built UI in headless Chromium against the real core,
// through the `daifuku serve` HTTP bridge on a fresh database.
//
//   npm run e2e            (builds the UI first)
//   DAIFUKU_BIN=/path/to/daifuku node --test e2e/   (every e2e/*.test.mjs)
//
// Screenshots of every main screen go to <repo>/test-artifacts/screenshots/.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, startBridge, startBrowser, tempDir } from './harness.mjs';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const T = { timeout: 90_000 };

/** A valid corporate number (7000012050002) with its check digit changed. */
const BAD_CORPORATE_NUMBER = '1000012050002';

describe('Daifuku UI end to end', () => {
  let bridge;
  let browser;
  let page;
  let base;
  let dir;
  const pageErrors = [];
  const ids = {};

  const byTest = (id) => page.getByTestId(id);
  const go = async (hash) => {
    await page.evaluate((h) => (window.location.hash = h), hash);
  };
  const shot = async (name) => {
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const fill = async (scope, name, value) => {
    await scope.getByTestId(`field-${name}`).fill(value);
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = tempDir();
    bridge = await startBridge({ db: join(dir, 'e2e.db') });
    browser = await startBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    base = bridge.url.split('#')[0];
    await page.goto(bridge.url);
    await byTest('screen-home').waitFor();
  });

  after(async () => {
    await browser?.close();
    await bridge?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the token leaves the address bar and the API answers', T, async () => {
    assert.ok(!page.url().includes('token='), `token still in ${page.url()}`);
    const status = await page.evaluate(async () => (await fetch('/api', { method: 'POST', body: '{"cmd":"schema"}' })).status);
    assert.equal(status, 401, 'the bridge refuses calls without the token');
  });

  test('settings: add a person, choose them as the current user, add a note template', T, async () => {
    await go('#/settings');
    await byTest('add-user').click();
    const dlg = byTest('dialog-user');
    await fill(dlg, 'name', '佐藤 花子');
    await fill(dlg, 'email', 'h.sato@example.co.jp');
    await dlg.getByTestId('form-save').click();
    await dlg.waitFor({ state: 'detached' });
    await byTest('user-row').filter({ hasText: '佐藤 花子' }).waitFor();
    const userId = await byTest('current-user-select').locator('option', { hasText: '佐藤 花子' }).getAttribute('value');
    await byTest('current-user-select').selectOption(userId);
    await page.waitForFunction(() => document.querySelector('[data-testid=current-user]')?.textContent?.includes('佐藤 花子'));
    ids.user = userId;

    await byTest('add-template').click();
    const form = byTest('template-form');
    await fill(form, 'name', '商談議事録');
    await form.getByTestId('field-activity_kind').selectOption('meeting');
    await fill(form, 'body', '## 目的\n\n## 決定事項\n\n## 次回までの宿題\n');
    await form.getByTestId('form-save').click();
    await byTest('template-item').filter({ hasText: '商談議事録' }).waitFor();
  });

  test('create a company', T, async () => {
    await go('#/companies');
    await byTest('screen-companies').waitFor();
    await byTest('add-company').click();
    const dlg = byTest('dialog-company');
    await fill(dlg, 'name', '株式会社テスト大福');
    await fill(dlg, 'name_reading', 'テストダイフク');
    await dlg.getByTestId('field-status').selectOption('prospect');
    await dlg.getByTestId('field-prefecture').selectOption('東京都');
    await fill(dlg, 'city', '千代田区');
    await fill(dlg, 'phone', '03-1234-5678');
    await dlg.getByTestId('form-save').click();
    await byTest('screen-company').waitFor();
    assert.equal(await byTest('record-title').textContent(), '株式会社テスト大福');
    ids.company = decodeURIComponent(/#\/company\/([^?]+)/.exec(page.url())[1]);

    await go('#/companies');
    await byTest('filter-q').fill('テストダイ');
    await byTest('company-list').locator('[data-testid=row-company]', { hasText: '株式会社テスト大福' }).waitFor();
  });

  test('bad input shows a field error and keeps the typed text', T, async () => {
    await go(`#/company/${ids.company}`);
    await byTest('company-edit').click();
    const form = byTest('company-form');
    await fill(form, 'email', 'abc');
    await fill(form, 'corporate_number', BAD_CORPORATE_NUMBER);
    await form.getByTestId('form-save').click();
    const emailError = form.getByTestId('error-email');
    await emailError.waitFor();
    assert.equal(await emailError.textContent(), 'メールアドレスの形式が正しくありません');
    assert.match(await form.getByTestId('error-corporate_number').textContent(), /法人番号が正しくありません/);
    assert.equal(await form.getByTestId('field-email').inputValue(), 'abc');
    assert.equal(await form.getByTestId('field-corporate_number').inputValue(), BAD_CORPORATE_NUMBER);
    assert.equal(await form.getByTestId('field-name').inputValue(), '株式会社テスト大福');
    await shot('company-form-error');

    // Fix both and save: the errors go away and the values are stored.
    await fill(form, 'email', 'info@test-daifuku.co.jp');
    await fill(form, 'corporate_number', '7000012050002');
    await form.getByTestId('form-save').click();
    await byTest('company-view').waitFor();
    assert.equal(await byTest('value-email').textContent(), 'info@test-daifuku.co.jp');
    assert.equal(await byTest('value-corporate_number').textContent(), '7000012050002');
  });

  test('add a contact to the company', T, async () => {
    await go(`#/company/${ids.company}?tab=contacts`);
    await byTest('add-contact').click();
    const dlg = byTest('dialog-contact');
    await fill(dlg, 'family_name', '山田');
    await fill(dlg, 'given_name', '太郎');
    await fill(dlg, 'family_reading', 'ヤマダ');
    await fill(dlg, 'given_reading', 'タロウ');
    await fill(dlg, 'department', '営業部');
    await fill(dlg, 'title', '課長');
    await fill(dlg, 'email', 't.yamada@test-daifuku.co.jp');
    await dlg.getByTestId('field-decision_role').selectOption('decision_maker');
    await dlg.getByTestId('form-save').click();
    await dlg.waitFor({ state: 'detached' });
    const row = byTest('company-contacts-row').filter({ hasText: '山田' });
    await row.waitFor();
    ids.contact = await row.getAttribute('data-id');
    await row.click();
    await byTest('screen-contact').waitFor();
    assert.equal(await byTest('contact-position').textContent(), '営業部 ・ 課長');
  });

  test("changing the contact's title keeps the old title in the position history", T, async () => {
    await go(`#/contact/${ids.contact}`);
    await byTest('contact-edit').click();
    const form = byTest('contact-form');
    await fill(form, 'title', '部長');
    await form.getByTestId('form-save').click();
    await byTest('contact-view').waitFor();
    assert.equal(await byTest('contact-position').textContent(), '営業部 ・ 部長');
    const items = byTest('position-history').getByTestId('position-item');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=position-item]').length === 2);
    const texts = await items.allTextContents();
    assert.ok(texts.some((t) => t.includes('部長') && t.includes('現在')), `current title missing: ${texts}`);
    assert.ok(texts.some((t) => t.includes('課長') && !t.includes('現在')), `old title missing: ${texts}`);
    await go(`#/contact/${ids.contact}?tab=positions`);
    await byTest('positions-row').nth(1).waitFor();
    assert.equal(await byTest('positions-row').count(), 2);
  });

  test('record a business-card exchange', T, async () => {
    await go(`#/contact/${ids.contact}?tab=cards`);
    await byTest('add-card_exchange').click();
    const dlg = byTest('dialog-card_exchange');
    await fill(dlg, 'place', '東京ビッグサイト 展示会');
    await fill(dlg, 'context', '自社ブースに来訪。勤怠クラウドに関心。');
    await dlg.getByTestId('field-importance-4').click();
    await dlg.getByTestId('form-save').click();
    await byTest('card-exchanges-row').filter({ hasText: '東京ビッグサイト' }).waitFor();
    await go(`#/contact/${ids.contact}`);
    await byTest('contact-view').waitFor();
    await shot('contact');
  });

  test('log a meeting with a next action; it shows on the company timeline', T, async () => {
    await go(`#/contact/${ids.contact}`);
    await byTest('contact-log-activity').click();
    const form = byTest('activity-form');
    await form.waitFor();
    assert.equal(await byTest('kind-meeting').getAttribute('aria-checked'), 'true');
    await fill(form, 'subject', '勤怠クラウド導入の初回商談');
    // The contact came along from the contact page.
    const attendee = form.getByTestId('field-contact_ids-option').filter({ hasText: '山田 太郎' });
    assert.equal(await attendee.locator('input').isChecked(), true);
    await byTest('template-select').selectOption({ label: '商談議事録' });
    assert.match(await byTest('field-content').inputValue(), /## 目的/);
    await byTest('field-content').fill('## 目的\n勤怠管理の課題ヒアリング\n\n## 決定事項\n- 来週デモを実施\n');
    await byTest('minutes-preview').locator('h2', { hasText: '決定事項' }).waitFor();
    await byTest('next-action-toggle').check();
    await fill(form, 'title', 'デモ環境を準備する');
    await form.getByTestId('field-due').fill(await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    }));
    await shot('activity-editor');
    await byTest('activity-save').click();
    await page.locator('[data-testid=company-timeline], [data-testid=form-error], .banner-error').first().waitFor();
    const problem = await page.locator('[data-testid=form-error], .banner-error').allTextContents();
    assert.deepEqual(problem, [], 'the activity was saved without errors');
    await byTest('company-timeline').waitFor();
    const entry = byTest('company-timeline').getByTestId('timeline-entry').filter({ hasText: '勤怠クラウド導入の初回商談' });
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-subtype'), 'meeting');
    await shot('company-timeline');
  });

  test('the next action is on Home, and ticking it completes it', T, async () => {
    await go('#/');
    const task = byTest('screen-home').getByTestId('task-row').filter({ hasText: 'デモ環境を準備する' });
    await task.waitFor();
    assert.match(await task.textContent(), /株式会社テスト大福/);
    assert.match(await task.textContent(), /佐藤 花子/);
    await shot('home');
    await task.getByTestId('task-done').check();
    await task.waitFor({ state: 'detached' });
    await go('#/tasks');
    await byTest('tasks-done').click();
    await byTest('task-list').getByTestId('task-row').filter({ hasText: 'デモ環境を準備する' }).waitFor();
    await byTest('tasks-open').click();
    await shot('tasks');
  });

  test('move a deal on the kanban and the stage changes', T, async () => {
    await go(`#/company/${ids.company}?tab=deals`);
    await byTest('add-deal').click();
    const dlg = byTest('dialog-deal');
    await fill(dlg, 'title', '勤怠クラウド 300名');
    await fill(dlg, 'amount', '1,800,000');
    await dlg.getByTestId('form-save').click();
    await byTest('company-deals-row').filter({ hasText: '勤怠クラウド 300名' }).waitFor();

    await go('#/deals');
    const card = byTest('stage-lead').getByTestId('deal-card').filter({ hasText: '勤怠クラウド 300名' });
    await card.waitFor();
    assert.equal(await byTest('stage-count-lead').textContent(), '1');
    assert.equal(await byTest('stage-sum-lead').textContent(), '180万円');
    await card.dragTo(byTest('stage-proposal'));
    await byTest('stage-proposal').getByTestId('deal-card').filter({ hasText: '勤怠クラウド 300名' }).waitFor();
    assert.equal(await byTest('stage-count-proposal').textContent(), '1');
    assert.equal(await byTest('stage-count-lead').textContent(), '0');
    // Stored by the core, not only moved on screen.
    await page.reload();
    await byTest('stage-proposal').getByTestId('deal-card').filter({ hasText: '勤怠クラウド 300名' }).waitFor();
    const stored = await page.evaluate(async (company) => {
      const token = sessionStorage.getItem('daifuku.token');
      const r = await fetch('/api', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ cmd: 'list', kind: 'deal', query: { filters: [{ field: 'company_id', op: 'eq', value: company }], no_total: false } }),
      });
      return (await r.json()).data.items.map((d) => d.data.stage);
    }, ids.company);
    assert.deepEqual(stored, ['proposal']);
    await shot('deals');
  });

  test('Ctrl+K finds the company and Enter opens it', T, async () => {
    await go('#/');
    await byTest('screen-home').waitFor();
    await page.keyboard.press('Control+k');
    await byTest('palette-input').fill('テスト大福');
    await byTest('palette-hit').filter({ hasText: '株式会社テスト大福' }).waitFor();
    await page.keyboard.press('Enter');
    await byTest('screen-company').waitFor();
    assert.equal(await byTest('record-title').textContent(), '株式会社テスト大福');
    await shot('company');
    await page.keyboard.press('Control+k');
    await byTest('palette').waitFor();
    await page.keyboard.press('Escape');
    await byTest('palette').waitFor({ state: 'detached' });
  });

  test('products: our product and a competitor added in the UI, scored side by side in the comparison', T, async () => {
    /** One command through the bridge, with the page's token. */
    const call = (cmd) =>
      page.evaluate(async (c) => {
        const r = await fetch('/api', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('daifuku.token')}` },
          body: JSON.stringify(c),
        });
        return (await r.json()).data;
      }, cmd);
    /** Saves the score dialog with `score` (of 5). */
    const saveScore = async (score) => {
      const dlg = byTest('dialog-product_score');
      await dlg.getByTestId(`field-score-${score}`).click();
      await dlg.getByTestId('form-save').click();
      await dlg.waitFor({ state: 'detached' });
    };

    // Our product.
    await go('#/products');
    await byTest('add-product').click();
    let dlg = byTest('dialog-product');
    await fill(dlg, 'name', 'ダイフク勤怠クラウド');
    await fill(dlg, 'maker', '大福商事株式会社');
    await fill(dlg, 'price', '980');
    await fill(dlg, 'strengths', '導入が早い');
    await dlg.getByTestId('form-save').click();
    await byTest('product-card').filter({ hasText: 'ダイフク勤怠クラウド' }).waitFor();

    // The competitor, on its own tab: who makes it, its price and which of ours it competes with.
    await go('#/products?tab=competitor');
    await byTest('tab-competitor').and(page.locator('[aria-selected=true]')).waitFor();
    await byTest('add-product').click();
    dlg = byTest('dialog-product');
    assert.equal(await dlg.getByTestId('field-side').inputValue(), 'competitor', 'a product added on the competitor tab is a competitor');
    await fill(dlg, 'name', 'キンタイプラス');
    await fill(dlg, 'maker', '株式会社ネクストワークス');
    await fill(dlg, 'price', '1,200');
    await fill(dlg, 'unit', 'ユーザー/月');
    await fill(dlg, 'strengths', '月額が安い');
    await fill(dlg, 'weaknesses', 'サポートはメールのみ');
    // 競合する自社商品: chosen among our products only.
    assert.deepEqual(await dlg.getByTestId('field-competes_with_id').locator('option').allInnerTexts(), ['—', 'ダイフク勤怠クラウド']);
    await dlg.getByTestId('field-competes_with_id').selectOption({ label: 'ダイフク勤怠クラウド' });
    await dlg.getByTestId('form-save').click();
    await dlg.waitFor({ state: 'detached' });
    const card = byTest('product-card').filter({ hasText: 'キンタイプラス' });
    await card.waitFor();
    const cardText = await card.innerText();
    for (const part of ['株式会社ネクストワークス', '1,200円 / ユーザー/月', '⚔ ダイフク勤怠クラウド', '月額が安い', 'サポートはメールのみ']) assert.ok(cardText.includes(part), `${part} on the card: ${cardText}`);
    assert.equal(await byTest('product-card').count(), 1, 'only the competitor on the competitor tab');

    // The comparison: 価格 for ours through 評価を追加, for the competitor through its empty cell,
    // and サポート for the competitor only.
    await go('#/products?tab=comparison');
    await byTest('add-score').click();
    dlg = byTest('dialog-product_score');
    await dlg.getByTestId('field-product_id').selectOption({ label: 'ダイフク勤怠クラウド(大福商事株式会社)' });
    await fill(dlg, 'criterion', '価格');
    await saveScore(4);
    const table = byTest('comparison-table');
    await table.waitFor();
    /** The table as the user reads it: header cells, then each row by its first cell. */
    const matrix = () =>
      table.evaluate((t) => ({
        head: [...t.querySelectorAll('thead th')].map((th) => th.innerText.replace(/\s+/g, ' ').trim()),
        rows: Object.fromEntries([...t.querySelectorAll('tbody tr')].map((tr) => [tr.querySelector('th').innerText.trim(), [...tr.querySelectorAll('td')].map((td) => td.innerText.replace(/\s+/g, '').trim())])),
      }));
    let m = await matrix();
    assert.deepEqual(m.head, ['評価項目', 'ダイフク勤怠クラウド 大福商事株式会社', 'キンタイプラス 株式会社ネクストワークス']);
    assert.deepEqual(m.rows['価格'], ['4/5', '+'], 'the competitor has no score yet');

    await table.locator('tbody tr', { hasText: '価格' }).getByTestId('score-cell').nth(1).click();
    dlg = byTest('dialog-product_score');
    assert.equal(await dlg.getByTestId('field-criterion').inputValue(), '価格');
    assert.match(await dlg.getByTestId('field-product_id').locator('option:checked').innerText(), /キンタイプラス/);
    await saveScore(2);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=comparison-table] tbody tr')].some((tr) => tr.innerText.includes('2/5')));

    await byTest('add-score').click();
    dlg = byTest('dialog-product_score');
    await dlg.getByTestId('field-product_id').selectOption({ label: 'キンタイプラス(株式会社ネクストワークス)' });
    await fill(dlg, 'criterion', 'サポート');
    await saveScore(3);
    await table.locator('tbody tr', { hasText: 'サポート' }).waitFor();

    m = await matrix();
    assert.deepEqual(m.rows, {
      価格: ['4/5', '2/5'],
      サポート: ['+', '3/5'],
      // Each product's scores on 0–100, averaged: ours (4-1)/4 = 75; the competitor's (25 + 50) / 2 = 37.5 → 38.
      '総合(100点換算)': ['75', '38'],
    });
    await shot('products');

    // What was stored: the competitor and its three scores.
    const products = (await call({ cmd: 'list', kind: 'product', query: { filters: [], no_total: true } })).items;
    const own = products.find((p) => p.data.name === 'ダイフク勤怠クラウド');
    const rival = products.find((p) => p.data.name === 'キンタイプラス');
    assert.deepEqual(
      { side: rival.data.side, maker: rival.data.maker, price: rival.data.price, unit: rival.data.unit, competes_with_id: rival.data.competes_with_id },
      { side: 'competitor', maker: '株式会社ネクストワークス', price: 1200, unit: 'ユーザー/月', competes_with_id: own.id },
    );
    assert.equal(own.data.side, 'own');
    const scores = (await call({ cmd: 'list', kind: 'product_score', query: { filters: [], no_total: true } })).items;
    const name = (id) => products.find((p) => p.id === id)?.data.name;
    assert.deepEqual(
      scores.map((x) => [name(x.data.product_id), x.data.criterion, x.data.score, x.data.scale]).sort(),
      [
        ['キンタイプラス', 'サポート', 3, '5'],
        ['キンタイプラス', '価格', 2, '5'],
        ['ダイフク勤怠クラウド', '価格', 4, '5'],
      ].sort(),
    );
  });

  test('trash: a deleted company can be restored', T, async () => {
    await go('#/companies');
    await byTest('add-company').click();
    const dlg = byTest('dialog-company');
    await fill(dlg, 'name', '削除予定商事');
    await dlg.getByTestId('form-save').click();
    await byTest('screen-company').waitFor();
    page.once('dialog', (d) => d.accept());
    await byTest('company-delete').click();
    await byTest('screen-companies').waitFor();
    await go('#/trash');
    const row = byTest('trash-row').filter({ hasText: '削除予定商事' });
    await row.waitFor();
    await shot('trash');
    await row.getByTestId('trash-restore').click();
    await row.waitFor({ state: 'detached' });
    await go('#/companies');
    await byTest('company-list').locator('[data-testid=row-company]', { hasText: '削除予定商事' }).waitFor();
    await shot('companies');
  });

  test('English is one click away', T, async () => {
    await go('#/settings');
    await byTest('screen-settings').waitFor();
    await shot('settings');
    await byTest('lang-en').click();
    await byTest('nav-companies').filter({ hasText: 'Companies' }).waitFor();
    await byTest('lang-ja').click();
    await byTest('nav-companies').filter({ hasText: '会社' }).waitFor();
  });

  test('no script errors on the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});
