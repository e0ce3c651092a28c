// End-to-end, issue 23 item 1: every screen in Japanese and in English. The
// test walks every route of the router, the tabs of the company, contact and
// product pages, the dialogs that open cheaply, the Ctrl+K palette, the
// shortcut list, the import preview and the first-run welcome, in each
// language, on a database with generated data (`daifuku gen`). On each it
// collects what the user reads — document.body.innerText, every <option>,
// the text in form fields, and the placeholder / title / aria-label / alt
// attributes — takes out
// what is not the UI's own words, and fails when Japanese (kana, kanji,
// Japanese punctuation) is left in the English UI or an English word (a run
// of two or more ASCII letters) in the Japanese UI. It prints each offending
// string with the screens it was seen on.
//
// What is taken out, and why this way:
//  - Data. Every string value of every record (all kinds, read through the
//    JSON API after the data is made), each value's display name, and each
//    line of a multi-line value with its Markdown marks taken off (activity
//    minutes are shown rendered). Removing the database's own values is
//    robust: it needs no marking in the UI, so a screen that shows data
//    some new way is still covered. Enum fields are NOT taken out: they are
//    stored as codes (`meeting`, `won`) and the UI must show a label, so a
//    code on screen is a finding. The cost: a UI string exactly equal to a
//    data value would be missed (data is names, addresses and notes, so
//    this is unlikely).
//  - What the UI shows of data in a changed form (an excerpt cut at 80
//    characters, a search snippet, rendered Markdown, a file path, the
//    browser's name): the UI marks those elements `translate="no"` (HTML's
//    own attribute for "not words to translate"), and their text is taken
//    out. Also <kbd> (key caps: Ctrl, Enter) and <code>.
//  - Codes: URLs, e-mail addresses, paths, UUIDs, hashes, versions.
//  - A short allow-list of proper nouns and technical names (ALLOW_EN,
//    ALLOW_JA below): Daifuku, CSV, Excel, vCard, S3, URL, ID, FAX …, and
//    each language's own name on the language switch (日本語 / English).
//
//   cargo build --bin daifuku && cd ui && npm run build && node --test e2e/languages.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, REPO, startBridge, startBrowser, tempDir } from './harness.mjs';

const FIXTURES = join(REPO, 'tests', 'fixtures', 'import');
const T = { timeout: 600_000 };

/** Words allowed in the Japanese UI: product and format names, technical abbreviations. */
const ALLOW_JA = new Set([
  'Daifuku', 'English', // the app's name; the language switch names each language in itself
  'CSV', 'Excel', 'vCard', 'XLSX', 'JSON', 'UTF', 'BOM', 'Shift_JIS', 'Shift', 'JIS', 'SJIS',
  'S3', 'URL', 'ID', 'FAX', 'Web', 'OS', 'DM', 'NAS', 'PC', 'SNS',
  'Dropbox', 'OneDrive', 'Google', 'Amazon', 'Outlook', 'Thunderbird', 'iCalendar',
  'MB', 'KB', 'GB', 'kB', 'PDF', 'A4', 'mm', 'JPEG', 'PNG', 'ABC', // ABC分析: the analysis's name in Japanese too
  'Ctrl', 'Enter', 'Esc', 'Tab', 'Home', 'End', 'PageUp', 'PageDown', 'Backspace', 'Space',
  'https', 'http',
]);
/** Japanese allowed in the English UI: the language switch names Japanese in Japanese. */
const ALLOW_EN = new Set(['日本語']);

const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆〇、。「」『』【】〜]+/gu;
const LATIN_WORD = /[A-Za-z][A-Za-z_]*[A-Za-z]|[A-Za-z]\d[A-Za-z\d]*/g;
/** Codes: never words of either language. */
const CODES = [
  /https?:\/\/\S+/g,
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  /\b[0-9a-f]{12,}\b/gi,
  /(?:[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}[\\/]?|[\\/][\w@~+-]+\.\w+/g, // a path, or what is left of one: /daifuku-1746.db
  /\bv?\d+\.\d+(\.\d+)?(-[\w.]+)?\b/g,
  /(?<![\w.])\.[a-z0-9]{2,5}\b/gi, // a file extension: Excel (.xlsx)
  /\bCP\d{3,4}\b/g, // an encoding: CP932
];

function stripMarkdown(line) {
  return line
    .replace(/^\s*(#{1,6}|[-*+]|\d+[.)]|>)\s+/, '')
    .replace(/\*\*|__|`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim();
}

/** Every string a record holds (data and display name), lines too, longest first. */
function dataValues(records, enumFields) {
  const out = new Set();
  const add = (v) => {
    if (typeof v !== 'string') return;
    // One letter is never taken out of a word: only a one-character value in Japanese (単位: 台, 月).
    const keep = (x) => x.length >= 2 || (x.length === 1 && !/[\x00-\x7f]/.test(x));
    const s = v.trim().normalize('NFC');
    if (!keep(s)) return;
    out.add(s);
    for (const line of s.split(/\r?\n/)) {
      const l = line.trim();
      if (keep(l)) out.add(l);
      const m = stripMarkdown(line);
      if (keep(m)) out.add(m);
    }
  };
  const walk = (v) => {
    if (typeof v === 'string') add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const r of records) {
    add(r.display_name);
    for (const [field, v] of Object.entries(r.data ?? {})) {
      if (enumFields.has(`${r.kind}.${field}`)) continue;
      walk(v);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** What the page shows: visible text, options, and the attributes a user reads or hears. */
function collectPage() {
  // The visible text without the elements that hold no words of the UI: made
  // invisible for a moment (innerText leaves out what is not visible; the
  // layout does not change). Through the CSSOM: the app's CSP refuses a <style>.
  const hidden = [...document.querySelectorAll('[translate=no], [translate=no] *, kbd, code')].map((el) => {
    const before = [el.style.getPropertyValue('visibility'), el.style.getPropertyPriority('visibility')];
    el.style.setProperty('visibility', 'hidden', 'important');
    return () => el.style.setProperty('visibility', ...before);
  });
  const body = document.body.innerText;
  hidden.forEach((undo) => undo());
  const texts = [body];
  for (const o of document.querySelectorAll('option')) if (!o.closest('[translate=no]')) texts.push(o.textContent ?? '');
  // What a form starts with (a new note template's headings); the values of records being edited are data.
  for (const el of document.querySelectorAll('textarea, input:not([type]), input[type=text], input[type=search]')) if (el.value && !el.closest('[translate=no]')) texts.push(el.value);
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
    if (el.closest('[translate=no]')) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
      const v = el.getAttribute(a);
      if (v) texts.push(v);
    }
  }
  texts.push(document.title);
  const skip = [...document.querySelectorAll('[translate=no], kbd, code')].map((e) => e.innerText || e.textContent || '');
  return { texts, skip };
}

/** The offending strings of one screen's text in `lang`. */
export function offenders(lang, { texts, skip }, values) {
  const found = new Set();
  const skipSorted = skip.map((s) => s.trim()).filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (let text of texts) {
    text = text.normalize('NFC');
    // The body's text comes without them, but for the text of a <select>'s options (which holds no
    // elements): the options and attributes may name one (a column of the file: 「Notes (← 備考)」).
    // Not one character (a key cap, the logo): that would cut words and data apart.
    for (const v of skipSorted) if (v.length > 1 && text.includes(v)) text = text.split(v).join('\n');
    for (const v of values) if (text.includes(v)) text = text.split(v).join('\n');
    for (const re of CODES) text = text.replace(re, ' ');
    if (lang === 'en') {
      for (const m of text.match(JAPANESE) ?? []) if (!ALLOW_EN.has(m)) found.add(m);
    } else {
      for (const m of text.match(LATIN_WORD) ?? []) if (!ALLOW_JA.has(m)) found.add(m);
    }
  }
  return [...found];
}

describe('every screen in Japanese and in English', () => {
  let main;
  let peer;
  let demo;
  let fresh;
  let browser;
  let page;
  let dir;
  let base;
  const pageErrors = [];
  const ids = {};
  let values = [];
  /** What the test types: the user's words, not the UI's. */
  const TYPED = ['info@@example', '1000012050002', '該当なしzzzz'];
  /** What window.confirm asked since the last check (answered "cancel"). */
  let asked = [];

  const byTest = (id) => page.getByTestId(id);
  /** One command to a bridge from Node, with the token of its URL. */
  const call = async (bridge, cmd) => {
    const url = new URL(bridge.url);
    const token = decodeURIComponent(/token=([^&]+)/.exec(url.hash)[1]);
    const res = await fetch(new URL('/api', url), { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(cmd) });
    const body = await res.json();
    if (!res.ok) throw new Error(`${cmd.cmd}: ${JSON.stringify(body)}`);
    return body.data;
  };
  const api = (cmd) => call(main, cmd);
  /** The routes (first path segment) the walk went to. */
  const visited = new Set();
  const go = async (hash) => {
    visited.add(hash.replace(/^#\/?/, '').split(/[/?]/)[0]);
    await page.evaluate((h) => (window.location.hash = h), hash);
  };
  const closeDialogs = async () => {
    for (let i = 0; i < 3 && (await page.locator('[role=dialog]').count()) > 0; i++) {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(100);
    }
  };
  /** Waits until nothing is loading and the text has stopped changing. */
  const settle = async () => {
    await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy=true]'), null, { timeout: 30_000 }).catch(() => {});
    let last = '';
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(150);
      const now = await page.evaluate(() => document.body.innerText);
      if (now === last) return;
      last = now;
    }
  };
  /** Opens `bridge`'s app in `lang` (the language is a preference of the browser, kept in localStorage). */
  const open = async (bridge, lang, screen = 'screen-home') => {
    const origin = bridge.url.split('#')[0];
    // The first visit takes the token from the address; later ones find it in sessionStorage.
    await page.goto(bridge.url);
    await page.evaluate((l) => localStorage.setItem('daifuku.prefs', JSON.stringify({ lang: l, wareki: false })), lang);
    await page.goto(`${origin}#/`);
    await page.reload();
    await byTest(screen).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
  };
  /** Every string value in `bridge`'s database, for taking the data out of what is shown. */
  const dataOf = async (bridge) => {
    const schema = await call(bridge, { cmd: 'schema' });
    const enumFields = new Set(schema.flatMap((m) => m.fields.filter((f) => f.type === 'enum' || f.type === 'bool').map((f) => `${m.kind}.${f.name}`)));
    const records = [];
    for (const { kind } of schema) {
      for (let offset = 0; ; offset += 1000) {
        const p = await call(bridge, { cmd: 'list', kind, query: { filters: [], limit: 1000, offset, no_total: true } });
        records.push(...p.items);
        if (p.items.length < 1000) break;
      }
    }
    // Records in the trash: their names are shown on the ゴミ箱 screen.
    for (const item of await call(bridge, { cmd: 'trash', offset: 0, limit: 1000 })) records.push({ kind: item.kind, display_name: item.display_name, data: {} });
    const out = dataValues(records, enumFields);
    // Values of the device and the sync folder: names the user gave, ids, paths.
    const settings = await call(bridge, { cmd: 'get_settings' });
    const status = await call(bridge, { cmd: 'sync_status' });
    for (const v of [...Object.values(settings), ...(status.devices ?? []).flatMap((d) => Object.values(d)), status.setup?.folder]) if (typeof v === 'string' && v.length >= 2) out.push(v);
    for (const c of await call(bridge, { cmd: 'sync_conflicts' })) for (const v of Object.values(c)) if (typeof v === 'string' && v.length >= 2) out.push(v);
    out.push(...TYPED, ids.companyName.slice(0, 4));
    return out.sort((a, b) => b.length - a.length);
  };

  /**
   * Every screen of the main database: [name, how to get there]. Each step
   * leaves the screen shown; the checker waits for it to settle and reads it.
   */
  const SCREENS = [
    ['home', async () => go('#/')],
    ['companies', async () => (await go('#/companies'), await byTest('row-company').first().waitFor())],
    ['companies: export dialog', async () => (await byTest('list-export').click(), await byTest('dialog-export').waitFor())],
    ['companies: new company with a duplicate hint', async () => {
      await closeDialogs();
      await byTest('add-company').click();
      await byTest('dialog-company').waitFor();
      await byTest('dialog-company').getByTestId('field-name').fill(ids.companyName);
      await byTest('dialog-company').getByTestId('field-phone').fill(ids.companyPhone);
      await byTest('duplicate-hint').waitFor();
    }],
    ['companies: new company with errors', async () => {
      const dlg = byTest('dialog-company');
      await dlg.getByTestId('field-name').fill('');
      await dlg.getByTestId('field-email').fill(TYPED[0]);
      await dlg.getByTestId('field-corporate_number').fill(TYPED[1]);
      await dlg.getByTestId('form-save').click();
      await dlg.getByTestId('error-email').waitFor();
    }],
    ...['overview', 'timeline', 'contacts', 'deals', 'purchases', 'tasks', 'finance', 'relations'].map((tab) => [
      `company page: ${tab}`,
      async () => {
        await closeDialogs();
        await go(`#/company/${ids.company}${tab === 'overview' ? '' : `?tab=${tab}`}`);
        await byTest('screen-company').waitFor();
        await byTest(`tab-${tab}`).and(page.locator('[aria-selected=true]')).waitFor();
      },
    ]),
    ['company page: add a year of financials', async () => {
      await go(`#/company/${ids.company}?tab=finance`);
      await byTest('add-company_financial').click();
      await byTest('dialog-company_financial').waitFor();
    }],
    ['company page: add a related company', async () => {
      await closeDialogs();
      await go(`#/company/${ids.company}?tab=relations`);
      await byTest('add-company_relation').click();
      await byTest('dialog-company_relation').waitFor();
    }],
    ['company page: add a deal', async () => {
      await closeDialogs();
      await go(`#/company/${ids.company}?tab=deals`);
      await byTest('add-deal').click();
      await byTest('dialog-deal').waitFor();
    }],
    ['company page: add a purchase', async () => {
      await closeDialogs();
      await go(`#/company/${ids.company}?tab=purchases`);
      await byTest('add-purchase').click();
      await byTest('dialog-purchase').waitFor();
    }],
    ['company page: add a contact', async () => {
      await closeDialogs();
      await go(`#/company/${ids.company}?tab=contacts`);
      await byTest('add-contact').click();
      await byTest('dialog-contact').waitFor();
    }],
    ['company page: edit every field', async () => {
      await closeDialogs();
      await go(`#/company/${ids.company}`);
      await byTest('company-edit').click();
      await byTest('form-save').waitFor();
    }],
    ['company page: delete, confirmation', async () => {
      await go(`#/company/${ids.company}`);
      await byTest('company-delete').click();
      // The confirmation counts what goes with the company first (delete_preview).
      for (let i = 0; i < 50 && asked.length === 0; i++) await page.waitForTimeout(100);
      assert.ok(asked.length > 0, 'the delete asks first');
    }],
    ['contacts', async () => (await go('#/contacts'), await byTest('row-contact').first().waitFor())],
    ['contacts: mailing list dialog', async () => (await byTest('list-mailing').click(), await byTest('mailing-count').waitFor())],
    ...['overview', 'timeline', 'positions', 'cards'].map((tab) => [
      `contact page: ${tab}`,
      async () => {
        await closeDialogs();
        await go(`#/contact/${ids.contact}${tab === 'overview' ? '' : `?tab=${tab}`}`);
        await byTest('screen-contact').waitFor();
        await byTest(`tab-${tab}`).and(page.locator('[aria-selected=true]')).waitFor();
      },
    ]),
    ['contact page: record a card exchange', async () => (await byTest('add-card_exchange').click(), await byTest('dialog-card_exchange').waitFor())],
    ['contact page: edit every field', async () => {
      await closeDialogs();
      await go(`#/contact/${ids.contact}`);
      await byTest('contact-edit').click();
      await byTest('form-save').waitFor();
    }],
    ['activities', async () => (await go('#/activities'), await byTest('screen-activities').waitFor(), await byTest('row-activity').first().waitFor())],
    ['activity page (a meeting)', async () => (await go(`#/activity/${ids.meeting}`), await byTest('activity-form').waitFor())],
    ...['meeting', 'inquiry', 'info_report', 'call', 'visit', 'email'].map((kind) => [
      `new activity: ${kind}`,
      async () => (await go(`#/activity/new?company=${ids.company}&kind=${kind}`), await byTest('activity-form').waitFor()),
    ]),
    ['new activity: the next action as a task', async () => (await byTest('next-action-toggle').check(), await byTest('activity-form').waitFor())],
    ['deals', async () => (await go('#/deals'), await byTest('deal-card').first().waitFor())],
    ['deals: a deal', async () => (await byTest('deal-card').first().click(), await byTest('dialog-deal').waitFor())],
    ...['own', 'competitor', 'comparison', 'cases'].map((tab) => [
      `products: ${tab}`,
      async () => {
        await closeDialogs();
        await go(`#/products${tab === 'own' ? '' : `?tab=${tab}`}`);
        await byTest('screen-products').waitFor();
        await byTest(`tab-${tab}`).and(page.locator('[aria-selected=true]')).waitFor();
      },
    ]),
    ['products: a score', async () => (await go('#/products?tab=comparison'), await byTest('add-score').click(), await byTest('dialog-product_score').waitFor())],
    ['products: a case study', async () => (await closeDialogs(), await go('#/products?tab=cases'), await byTest('add-case').click(), await byTest('dialog-case_study').waitFor())],
    ['products: new product', async () => (await closeDialogs(), await go('#/products'), await byTest('add-product').click(), await byTest('dialog-product').waitFor())],
    ['tasks', async () => (await closeDialogs(), await go('#/tasks'), await byTest('screen-tasks').waitFor())],
    ['tasks: new task', async () => (await byTest('add-task').click(), await byTest('dialog-task').waitFor())],
    ['customer ranks', async () => (await closeDialogs(), await go('#/priorities'), await byTest('screen-priorities').waitFor())],
    ['hand-over', async () => (await go('#/handover'), await byTest('screen-handover').waitFor())],
    ['business cards', async () => (await go('#/cards'), await byTest('screen-cards').waitFor())],
    ['office feed', async () => (await go('#/feed'), await byTest('screen-feed').waitFor())],
    ['audit trail', async () => (await go('#/audit'), await byTest('screen-audit').waitFor())],
    ['incident register', async () => (await go('#/incidents'), await byTest('screen-incidents').waitFor())],
    ['a purchase (its company)', async () => (await go(`#/purchase/${ids.purchase}`), await byTest('screen-company').waitFor())],
    ['import', async () => (await closeDialogs(), await go('#/import'), await byTest('screen-import').waitFor())],
    ['import: CP932 company list preview', async () => {
      await go('#/import?kind=company');
      await byTest('screen-import').waitFor();
      await byTest('import-file').setInputFiles(join(FIXTURES, 'e2e_office_companies_cp932.csv'));
      await byTest('import-summary').waitFor();
      await byTest('import-rows').waitFor();
    }],
    ['import: merged address book preview', async () => {
      await go('#/');
      await go('#/import?kind=contact');
      await byTest('screen-import').waitFor();
      await byTest('import-file').setInputFiles(join(FIXTURES, 'e2e_merged_addressbook.vcf'));
      await byTest('import-summary').waitFor();
      await byTest('import-rows').waitFor();
    }],
    ['duplicates: companies and the merge history', async () => (await go('#/duplicates'), await byTest('dup-group').first().waitFor(), await byTest('merge-item').first().waitFor())],
    ['duplicates: merge dialog', async () => {
      const group = byTest('dup-group').first();
      await group.getByTestId('dup-pick').nth(0).check();
      await group.getByTestId('dup-pick').nth(1).check();
      await byTest('dups-merge').click();
      await byTest('merge-table').waitFor();
    }],
    ['duplicates: contacts', async () => (await closeDialogs(), await go('#/duplicates?tab=contact'), await byTest('screen-duplicates').waitFor())],
    ['trash, with a sync conflict', async () => (await go('#/trash'), await byTest('trash-row').first().waitFor(), await byTest('trash-conflict').waitFor())],
    ['sync, with a conflict', async () => (await go('#/sync'), await byTest('sync-status').waitFor(), await byTest('conflict-row').first().waitFor(), await byTest('sync-device-row').nth(1).waitFor())],
    ['sync: S3 settings', async () => (await byTest('sync-kind-s3').click(), await byTest('sync-s3-bucket').waitFor())],
    ['settings', async () => (await go('#/settings'), await byTest('user-row').first().waitFor(), await byTest('backup-row').first().waitFor())],
    ['settings: new person', async () => (await byTest('add-user').click(), await byTest('dialog-user').waitFor())],
    ['settings: new note template', async () => (await closeDialogs(), await byTest('add-template').click(), await byTest('templates').getByTestId('field-body').waitFor())],
    ['settings: restore from a backup, confirmation', async () => (await closeDialogs(), await byTest('backup-restore').first().click(), await byTest('restore-confirm').waitFor())],
    ['about', async () => (await closeDialogs(), await go('#/about'), await byTest('about-version').waitFor())],
    ['not found', async () => (await go('#/no-such-page'), await byTest('not-found').waitFor())],
    ['record not found', async () => (await go('#/company/00000000-0000-7000-8000-000000000000'), await byTest('not-found').waitFor())],
    ['Ctrl+K palette with hits', async () => {
      await go('#/');
      await byTest('screen-home').waitFor();
      await page.keyboard.press('Control+k');
      await byTest('palette-input').fill(ids.companyName.slice(0, 4));
      await byTest('palette-hit').first().waitFor();
    }],
    ['Ctrl+K palette, nothing found', async () => (await byTest('palette-input').fill(TYPED[2]), await byTest('palette-none').waitFor())],
    ['shortcut list', async () => {
      await page.keyboard.press('Escape');
      await byTest('palette').waitFor({ state: 'detached' });
      await page.keyboard.press('?');
      await byTest('shortcuts').waitFor();
    }],
  ];

  before(async () => {
    dir = tempDir();
    const db = join(dir, 'languages.db');
    execFileSync(BIN, ['--db', db, 'gen', '--companies', '30', '--seed', '7'], { stdio: 'ignore' });
    main = await startBridge({ db });
    peer = await startBridge({ db: join(dir, 'peer.db') });
    demo = await startBridge({ db: join(dir, 'demo.db') });
    fresh = await startBridge({ db: join(dir, 'fresh.db') });
    browser = await startBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    base = main.url.split('#')[0];

    // A company with contacts, deals and activities for the record pages.
    const deals = await api({ cmd: 'list', kind: 'deal', query: { filters: [], limit: 100, no_total: true } });
    const counts = {};
    for (const d of deals.items) counts[d.data.company_id] = (counts[d.data.company_id] ?? 0) + 1;
    ids.company = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
    const company = await api({ cmd: 'get', kind: 'company', id: ids.company });
    ids.companyName = company.display_name;
    ids.companyPhone = company.data.phone ?? '03-1234-5678';
    const contacts = await api({ cmd: 'list', kind: 'contact', query: { filters: [{ field: 'company_id', op: 'eq', value: ids.company }], limit: 10, no_total: true } });
    ids.contact = contacts.items[0].id;
    ids.purchase = (await api({ cmd: 'list', kind: 'purchase', query: { filters: [], limit: 1, no_total: true } })).items[0].id;
    const meetings = await api({ cmd: 'list', kind: 'activity', query: { filters: [{ field: 'kind', op: 'eq', value: 'meeting' }], limit: 1, no_total: true } });
    ids.meeting = meetings.items[0].id;
    const others = (await api({ cmd: 'list', kind: 'company', query: { filters: [], limit: 10, no_total: true } })).items.filter((c) => c.id !== ids.company);

    // A possible duplicate of that company; another one merged (the merge history).
    const twin = (c, phone) => ({ cmd: 'add', kind: 'company', fields: { name: c.data.name, prefecture: c.data.prefecture ?? '東京都', phone } });
    await api(twin(company, ids.companyPhone));
    const merged = await api(twin(others[0], others[0].data.phone ?? '06-6123-4567'));
    await api({ cmd: 'merge', kind: 'company', survivor_id: others[0].id, loser_id: merged.id, choices: {} });
    // A record in the trash.
    const doomed = await api({ cmd: 'add', kind: 'company', fields: { name: '削除予定商事株式会社' } });
    await api({ cmd: 'delete', kind: 'company', id: doomed.id });

    // Two computers syncing through a folder, with two conflicts on this one: the same phone
    // number edited on both (the other one's edit is newer), and a company deleted here but
    // edited there (the trash shows it).
    mkdirSync(join(dir, 'sync'));
    await api({ cmd: 'sync_configure', folder: join(dir, 'sync'), device_name: '事務所のパソコン' });
    await api({ cmd: 'sync_now' });
    await call(peer, { cmd: 'sync_configure', folder: join(dir, 'sync'), device_name: '営業部のノートパソコン' });
    await call(peer, { cmd: 'sync_now' });
    await api({ cmd: 'patch', kind: 'company', id: ids.company, version: null, fields: { phone: '03-1111-1111' } });
    await call(peer, { cmd: 'patch', kind: 'company', id: ids.company, version: null, fields: { phone: '03-2222-2222' } });
    await api({ cmd: 'delete', kind: 'company', id: others[1].id });
    await call(peer, { cmd: 'patch', kind: 'company', id: others[1].id, version: null, fields: { phone: '03-3333-3333' } });
    await call(peer, { cmd: 'sync_now' });
    await api({ cmd: 'sync_now' });
    assert.ok((await api({ cmd: 'sync_conflicts' })).length >= 1, 'a conflict to show');

    // Demo data on another new database: Home's banner.
    await call(demo, { cmd: 'demo_load', companies: 3 });
    await call(demo, { cmd: 'welcome_done' });
  });

  after(async () => {
    await browser?.close();
    for (const b of [main, peer, demo, fresh]) await b?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const lang of ['ja', 'en']) {
    test(`every screen in ${lang === 'ja' ? 'Japanese' : 'English'}`, T, async () => {
      const seen = new Map(); // offending string -> screens
      const dump = process.env.DAIFUKU_LANG_DUMP;
      const check = async (name) => {
        await settle();
        const got = await page.evaluate(collectPage);
        got.texts.push(...asked);
        asked = [];
        if (dump) {
          mkdirSync(dump, { recursive: true });
          writeFileSync(join(dump, `${lang}-${name.replace(/[^\w]+/g, '_')}.json`), JSON.stringify(got));
        }
        for (const s of offenders(lang, got, values)) seen.set(s, [...(seen.get(s) ?? []), name]);
      };

      values = await dataOf(main);
      if (dump) writeFileSync(join(dump, 'values.json'), JSON.stringify(values));
      await open(main, lang);
      for (const [name, reach] of SCREENS) {
        await reach();
        await check(name);
      }

      // Demo data: Home's banner, and what 削除する asks.
      values = await dataOf(demo);
      await open(demo, lang);
      await byTest('demo-banner').waitFor();
      await check('home with demo data');
      await byTest('demo-remove').click();
      assert.ok(asked.length > 0, 'removing the demo data asks first');
      await check('home: remove the demo data, confirmation');

      // The first run, on a new database.
      values = [];
      await open(fresh, lang, 'screen-welcome');
      await check('first-run welcome');

      if (lang === 'ja') {
        // Every route of the router (the cases of App.tsx's Screen) was walked: a new screen needs its entry above.
        const app = readFileSync(join(REPO, 'ui', 'src', 'app', 'App.tsx'), 'utf8');
        const screen = app.slice(app.indexOf('function Screen()'), app.indexOf('export function App('));
        const routes = [...screen.matchAll(/case '([^']*)':/g)].map((m) => m[1]).filter((r) => r !== 'home');
        assert.ok(routes.length > 15, `routes read from App.tsx: ${routes}`);
        assert.deepEqual(routes.filter((r) => !visited.has(r)), [], 'routes the walk did not visit');
      }
      const report = [...seen].map(([s, screens]) => `  ${JSON.stringify(s)}  — ${[...new Set(screens)].join(', ')}`).join('\n');
      assert.equal(seen.size, 0, `${lang === 'ja' ? 'English words in the Japanese UI' : 'Japanese in the English UI'} (${seen.size}):\n${report}`);
    });
  }

  test('the checker finds what it should', () => {
    const none = { skip: [] };
    assert.deepEqual(offenders('en', { ...none, texts: ['Save 保存 (株式会社テスト) Ctrl+K'] }, ['株式会社テスト']), ['保存']);
    assert.deepEqual(offenders('ja', { ...none, texts: ['保存 Save http://x.jp/a CSV 株式会社テスト a@b.jp'] }, []), ['Save']);
    assert.deepEqual(offenders('ja', { ...none, texts: ['種類: meeting'] }, []), ['meeting']);
    assert.deepEqual(offenders('ja', { ...none, texts: ['ABC商事 保存'] }, ['ABC商事']), []);
    assert.deepEqual(offenders('en', { texts: ['Also creates 会社', 'Notes (← 備考)'], skip: ['備考'] }, []), ['会社']);
  });

  test('no script errors on the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});
