// End-to-end for issue 18 item 5: a corpus of hostile texts (script tags,
// <img onerror>, event attributes, javascript: links, SVG with scripts, CSS
// tricks, </title> breaks, RTL overrides, very long lines) saved as company
// and contact names, notes, memos, an activity and a deal, rendered in the
// real browser — the lists, the record pages, the search palette, the
// 監査ログ and the 開示 HTML page: nothing runs (window.__pwned stays unset,
// the title is not replaced), no hostile element or attribute reaches the
// DOM, and a javascript: web address (as an older laptop could have synced
// it) is text, not a link.
//
//   cd ui && npm run build && cargo build --bin daifuku && node --test e2e/hostile.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiData, openApp } from './harness.mjs';

const T = { timeout: 120_000 };
const PWN = 'window.__pwned=1';

/** The corpus, made here: each would set window.__pwned or the title if it ever ran. */
function hostileTexts() {
  return [
    `<script>${PWN}</script>株式会社スクリプト`,
    `<img src=x onerror="${PWN}">画像商事`,
    `"><svg onload=${PWN}>`,
    `<svg><script>${PWN}</script></svg>`,
    `<a href="javascript:${PWN}">クリック</a>`,
    `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>`,
    `</title><script>document.title='pwned'</script>`,
    `<style>body{display:none}</style><div style="position:fixed;inset:0;background:red">`,
    `{{constructor.constructor('${PWN}')()}}`,
    `\u202Egpj.exe 右から左`,
    `<details open ontoggle=${PWN}>`,
    `<math><mtext><table><mglyph><style><img src=x onerror=${PWN}>`,
    `長い行${'あ'.repeat(990)}`,
  ];
}

/** What the page holds that a hostile text could have made. */
function inspect(page) {
  return page.evaluate(() => ({
    pwned: window.__pwned,
    title: document.title,
    scripts: document.querySelectorAll('body script').length,
    badImages: document.querySelectorAll('img[src="x"], img[onerror]').length,
    svgOnload: document.querySelectorAll('svg[onload]').length,
    iframes: document.querySelectorAll('iframe').length,
    details: document.querySelectorAll('details[ontoggle]').length,
    inlineHandlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
    hostileStyle: [...document.querySelectorAll('style')].some((s) => s.textContent.includes('body{display:none}')),
    bodyShown: getComputedStyle(document.body).display !== 'none',
    // What is shown, form fields' values included (the activity page is its editor).
    text: [document.body.innerText, ...[...document.querySelectorAll('input, textarea')].map((e) => e.value)].join('\n'),
  }));
}

describe('hostile texts render as text in the browser', () => {
  let app;
  let page;
  let dir;
  let title;
  const ids = {};
  const texts = hostileTexts();
  const byTest = (id) => page.getByTestId(id);
  const go = (hash) => page.evaluate((h) => (window.location.hash = h), hash);

  /** Waits for event handlers a payload could have set off, then checks the page. */
  async function assertNothingRan(where, mustShow) {
    await page.waitForTimeout(300);
    const s = await inspect(page);
    assert.equal(s.pwned, undefined, `${where}: a payload ran`);
    assert.equal(s.title, title, `${where}: the title was replaced`);
    assert.deepEqual(
      [s.scripts, s.badImages, s.svgOnload, s.iframes, s.details, s.inlineHandlers, s.jsLinks, s.hostileStyle, s.bodyShown],
      [0, 0, 0, 0, 0, 0, 0, false, true],
      `${where}: a hostile element reached the page`,
    );
    // The payload did reach the page, as text (else the checks above prove nothing).
    assert.ok(s.text.includes(mustShow), `${where}: ${mustShow.slice(0, 40)}… is shown as text`);
  }

  before(async () => {
    app = await openApp('hostile.db');
    ({ page, dir } = app);
    title = await page.title();
    const user = await apiData(page, { cmd: 'add', kind: 'user', fields: { name: texts[6] } });
    await apiData(page, { cmd: 'set_current_user', user_id: user.id });
    ids.company = (
      await apiData(page, {
        cmd: 'add',
        kind: 'company',
        fields: { name: texts[0], notes: texts.join('\n'), private_memo: texts[1], phone: '03-1234-5678（代）', tags: [texts[2].slice(0, 90)] },
      })
    ).id;
    ids.contact = (
      await apiData(page, {
        cmd: 'add',
        kind: 'contact',
        fields: { company_id: ids.company, family_name: texts[1], given_name: texts[6], memos: texts.join('\n'), title: texts[4] },
      })
    ).id;
    ids.activity = (
      await apiData(page, {
        cmd: 'add',
        kind: 'activity',
        fields: { kind: 'visit', company_id: ids.company, occurred_at: '2026-12-01T10:00', subject: texts[3], content: texts.join('\n') },
      })
    ).id;
    ids.deal = (await apiData(page, { cmd: 'add', kind: 'deal', fields: { company_id: ids.company, title: texts[5], stage: 'proposal' } })).id;
    // A web address with a javascript: scheme, as a laptop with an older
    // version could have stored and synced it (today's app refuses it).
    execFileSync('/usr/bin/python3', [
      '-c',
      'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE companies SET website=? WHERE id=?", (sys.argv[2], sys.argv[3])); c.commit()',
      join(dir, 'hostile.db'),
      `javascript:${PWN}`,
      ids.company,
    ]);
    await page.reload();
    await byTest('screen-home').waitFor();
  });

  after(async () => {
    await app?.close();
  });

  test('the app refuses a javascript: web address', T, async () => {
    const r = await page.evaluate(async (id) => {
      const res = await fetch('/api', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('daifuku.token')}` },
        body: JSON.stringify({ cmd: 'patch', kind: 'company', id, fields: { website: 'javascript:alert(1)' } }),
      });
      return res.json();
    }, ids.company);
    assert.equal(r.details?.[0]?.code ?? r.code, 'invalid_url', JSON.stringify(r));
  });

  test('the lists and Home', T, async () => {
    await assertNothingRan('Home', '');
    await go('#/companies');
    await byTest('screen-companies').waitFor();
    await page.getByText('株式会社スクリプト').first().waitFor();
    await assertNothingRan('company list', texts[0]);
    await go('#/contacts');
    await byTest('screen-contacts').waitFor();
    await page.getByText('画像商事').first().waitFor();
    await assertNothingRan('contact list', texts[1]);
    await go('#/deals');
    await page.getByText('<iframe srcdoc').first().waitFor();
    await assertNothingRan('deal list', texts[5]);
  });

  test('the record pages, and the web address is not a link', T, async () => {
    await go(`#/company/${ids.company}`);
    await byTest('company-view').waitFor();
    await assertNothingRan('company page', texts[7]);
    const website = await page.evaluate((v) => {
      const el = [...document.querySelectorAll('body *')].find((e) => e.children.length === 0 && e.textContent === v);
      return el ? { found: true, inLink: el.closest('a') != null } : { found: false };
    }, `javascript:${PWN}`);
    assert.deepEqual(website, { found: true, inLink: false });
    await go(`#/contact/${ids.contact}`);
    await page.getByText('画像商事').first().waitFor();
    await assertNothingRan('contact page', texts[11]);
    await go(`#/activity/${ids.activity}`);
    await page.getByText('<svg><script>').first().waitFor();
    await assertNothingRan('activity page', texts[3]);
  });

  test('the search palette', T, async () => {
    await go('#/');
    await byTest('screen-home').waitFor();
    await page.keyboard.press('Control+k');
    await byTest('palette-input').fill('スクリプト');
    await byTest('palette-hit').first().waitFor();
    await assertNothingRan('search', '株式会社スクリプト');
    await page.keyboard.press('Escape');
  });

  test('the audit trail and the 開示 page', T, async () => {
    const d = await apiData(page, { cmd: 'disclose_contact', id: ids.contact, out_dir: dir });
    await go('#/audit');
    await byTest('audit-row').first().waitFor();
    await assertNothingRan('監査ログ', texts[6]);
    // The disclosure's readable page, opened as the person would open it.
    const other = await app.browser.context.newPage();
    const errors = [];
    other.on('pageerror', (e) => errors.push(e.message));
    await other.goto(`file://${d.html.path}`);
    await other.waitForTimeout(300);
    const s = await inspect(other);
    assert.equal(s.pwned, undefined);
    assert.notEqual(s.title, 'pwned');
    assert.deepEqual([s.scripts, s.badImages, s.svgOnload, s.iframes, s.details, s.inlineHandlers, s.jsLinks, s.hostileStyle], [0, 0, 0, 0, 0, 0, 0, false]);
    assert.ok(s.text.includes(texts[1]), 'the name is on the page as text');
    assert.deepEqual(errors, []);
    await other.close();
    assert.deepEqual(app.pageErrors, []);
  });
});
