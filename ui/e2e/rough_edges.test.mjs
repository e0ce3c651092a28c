// End-to-end, issue 23 item 4 ("the rough edges a new user hits"): the
// Activities text box over the search index (a word only in an activity's
// content, its company's name, its contact's name), the not-found page in
// both languages, the search box's words, the shortcut list (?), and the
// About screen's 問い合わせ用情報 (version yes, customer names no) — in
// headless Chromium against the real core (`daifuku serve`).
//
//   cargo build --bin daifuku && cd ui && npx vite build && node --test e2e/rough_edges.test.mjs

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiCall, openApp, REPO } from './harness.mjs';

const T = { timeout: 120_000 };
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('rough edges a new user hits', () => {
  let app;
  let page;
  const ids = {};
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);
  const add = async (kind, fields) => {
    const r = await apiCall(page, { cmd: 'add', kind, fields });
    assert.equal(r.type, 'record', JSON.stringify(r));
    return r.data.id;
  };
  const setLang = async (lang) => {
    await go('#/settings');
    await byTest(`lang-${lang}`).click();
  };
  /** The activity rows once the list shows exactly `want` (ids). */
  const activitiesShown = async (want) => {
    await page.waitForFunction((want) => {
      const rows = [...document.querySelectorAll('[data-testid=activity-list] [data-testid=row-activity]')].map((r) => r.dataset.id).sort();
      return JSON.stringify(rows) === JSON.stringify([...want].sort());
    }, want);
  };

  before(async () => {
    app = await openApp('rough.db');
    page = app.page;
    ids.yamada = await add('company', { name: '株式会社山田商事', name_reading: 'ヤマダショウジ', phone: '03-1234-5678（代）' });
    ids.aoba = await add('company', { name: '青葉建設株式会社', name_reading: 'アオバケンセツ' });
    ids.sakura = await add('company', { name: '桜精機株式会社', name_reading: 'サクラセイキ' });
    ids.suzuki = await add('contact', { family_name: '鈴木', given_name: '一郎', family_reading: 'スズキ', given_reading: 'イチロウ', company_id: ids.aoba });
    ids.pump = await add('activity', { kind: 'meeting', occurred_at: '2026-04-01T10:00', subject: '定例打ち合わせ', company_id: ids.yamada, content: '新型ポンプの見積を依頼された。来週までに回答。' });
    ids.call = await add('activity', { kind: 'meeting', occurred_at: '2026-04-02T11:00', subject: '電話', contact_ids: [ids.suzuki], content: 'カタログを送付' });
    ids.visit = await add('activity', { kind: 'meeting', occurred_at: '2026-04-03T15:00', subject: '訪問', company_id: ids.sakura, content: '特になし' });
  });

  after(async () => {
    assert.deepEqual(app?.pageErrors ?? [], []);
    await app?.close();
  });

  test('the Activities text box finds by content, by the company’s name and by the contact’s name', T, async () => {
    await go('#/activities');
    await activitiesShown([ids.pump, ids.call, ids.visit]);
    const box = byTest('activity-filter-q');
    assert.match(await box.getAttribute('placeholder'), /内容/);
    // Only in the content (the subject is 定例打ち合わせ).
    await box.fill('ポンプ');
    await activitiesShown([ids.pump]);
    // The company's name, in the company's own words and by its reading.
    await box.fill('山田商事');
    await activitiesShown([ids.pump]);
    await box.fill('さくらせいき');
    await activitiesShown([ids.visit]);
    // The contact's name: the activity has no company, only the attendee.
    await box.fill('鈴木');
    await activitiesShown([ids.call]);
    await box.fill('');
    await activitiesShown([ids.pump, ids.call, ids.visit]);
  });

  test('the search box says what it searches', T, async () => {
    await go('#/');
    const text = await byTest('search-open').textContent();
    for (const w of ['会社', '担当者', '案件', '商品', '活動']) assert.ok(text.includes(w), `${w} in ${text}`);
    await page.keyboard.press('Control+k');
    assert.match(await byTest('palette-input').getAttribute('placeholder'), /会社・担当者・案件・商品・活動/);
    await page.keyboard.press('Escape');
    await byTest('palette').waitFor({ state: 'detached' });
  });

  test('an unknown address and a record that does not exist show the not-found page, with a way home', T, async () => {
    await go('#/no-such-page');
    const nf = byTest('not-found');
    await nf.waitFor();
    assert.equal(await nf.locator('h1').textContent(), 'ページが見つかりません');
    await byTest('not-found-home').click();
    await byTest('screen-home').waitFor();

    await go('#/company/0190a000-0000-7000-8000-000000000000');
    await nf.waitFor();
    assert.equal(await nf.getAttribute('data-record'), 'true');
    assert.match(await nf.textContent(), /ゴミ箱/);
    // A record that exists opens as before.
    await go(`#/company/${ids.yamada}`);
    await byTest('screen-company').waitFor();
    await go(`#/activity/${ids.pump}`);
    await page.locator('[data-testid=not-found]').waitFor({ state: 'detached' });

    await setLang('en');
    await go('#/nowhere');
    await nf.waitFor();
    assert.equal(await nf.locator('h1').textContent(), 'Page not found');
    assert.doesNotMatch(await nf.textContent(), JAPANESE);
    assert.match(await byTest('not-found-home').textContent(), /Home/);
    await setLang('ja');
  });

  test('? opens the shortcut list (not while typing), and buttons show their shortcuts', T, async () => {
    await go('#/companies');
    await byTest('screen-companies').waitFor();
    assert.match(await byTest('add-company').getAttribute('title'), /Ctrl\+N/);
    assert.match(await byTest('search-open').getAttribute('title'), /Ctrl\+K/);
    // Typed into a text box, ? is text.
    await byTest('filter-q').fill('');
    await byTest('filter-q').press('Shift+Slash');
    assert.equal(await byTest('filter-q').inputValue(), '?');
    assert.equal(await byTest('shortcuts').count(), 0);
    await byTest('filter-q').fill('');
    await page.locator('h1').click();
    await page.keyboard.press('Shift+Slash');
    const dlg = byTest('shortcuts');
    await dlg.waitFor();
    const text = await dlg.textContent();
    for (const w of ['キーボードショートカット', 'Ctrl', 'K', 'N', 'Esc', 'Enter', 'PageDown', '新規作成']) assert.ok(text.includes(w), w);
    assert.ok((await dlg.getByTestId('shortcut').count()) >= 15);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await go('#/activities');
    assert.match(await byTest('add-activity-global').getAttribute('title'), /Ctrl\+N/);
    await byTest('help-open').click();
    await dlg.waitFor();
    await byTest('dialog-close').click();
    await dlg.waitFor({ state: 'detached' });

    await setLang('en');
    await byTest('help-open').click();
    await dlg.waitFor();
    assert.match(await dlg.textContent(), /Keyboard shortcuts/);
    assert.doesNotMatch(await dlg.textContent(), JAPANESE);
    await page.keyboard.press('Escape');
    await setLang('ja');
  });

  test('バージョン情報 from 設定: version, database, log, and 問い合わせ用情報 without customer names', T, async () => {
    const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(REPO, 'Cargo.toml'), 'utf8'))[1];
    await app.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.bridge.url).origin });
    await go('#/settings');
    await byTest('settings-about').click();
    await byTest('screen-about').waitFor();
    assert.equal(await byTest('about-version').textContent(), version);
    assert.match(await byTest('about-db-path').textContent(), /rough\.db$/);
    assert.match(await byTest('about-db-size').textContent(), /\d\s?(KB|kB|MB)/);
    assert.equal(await byTest('about-log').textContent(), 'ログ: 標準エラー出力(ログファイルは作成しません)');
    assert.equal(await byTest('about-counts').locator('[data-kind=company] td.num').textContent(), '3');
    await byTest('about-copy').click();
    await byTest('about-copied').waitFor();
    assert.equal(await byTest('about-copied').textContent(), 'コピーしました');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await byTest('support-text').inputValue());
    assert.ok(copied.includes(`バージョン: ${version}`), copied);
    assert.match(copied, /会社 3/);
    assert.match(copied, /活動 3/);
    assert.ok(copied.includes(await page.evaluate(() => navigator.platform)), 'the OS');
    for (const secret of ['山田', 'ヤマダ', '青葉', '桜精機', '鈴木', 'ポンプ', '03-1234', 'rough.db']) {
      assert.ok(!copied.includes(secret), `the support text holds customer data or the path: ${secret}`);
    }
    await setLang('en');
    await go('#/about');
    await byTest('screen-about').waitFor();
    assert.doesNotMatch(await byTest('support-text').inputValue(), JAPANESE);
    assert.match(await byTest('support-text').inputValue(), new RegExp(`Version: ${version.replace(/\./g, '\\.')}`));
    await setLang('ja');
  });
  test('the trash pages through everything in it, with its count (no cap)', T, async () => {
    const made = [];
    for (let i = 0; i < 130; i++) made.push(await add('company', { name: `ゴミ箱テスト商事${i}` }));
    for (const id of made) {
      const r = await apiCall(page, { cmd: 'delete', kind: 'company', id });
      assert.equal(r.type, 'record', JSON.stringify(r));
    }
    const total = (await apiCall(page, { cmd: 'trash_count' })).data;
    assert.ok(total >= 130, String(total));
    await go('#/trash');
    const rowsShown = () => page.$$eval('[data-testid=trash-row]', (rows) => rows.map((r) => r.dataset.id));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trash-row]').length === 100);
    assert.match(await byTest('trash-count').innerText(), new RegExp(`全${total}件中 1〜100件目`));
    assert.equal(await byTest('trash-prev').isDisabled(), true);
    const first = await rowsShown();
    await byTest('trash-next').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=trash-row]').length === n, total - 100);
    assert.match(await byTest('trash-count').innerText(), new RegExp(`全${total}件中 101〜${total}件目`));
    assert.equal(await byTest('trash-next').isDisabled(), true);
    const second = await rowsShown();
    // Every deleted company is on one of the two pages, once.
    const all = new Set([...first, ...second]);
    assert.equal(all.size, total);
    for (const id of made) assert.ok(all.has(id), id);
    await byTest('trash-prev').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trash-row]').length === 100);
  });
});
