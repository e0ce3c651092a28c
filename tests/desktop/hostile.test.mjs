// Hostile texts in the real desktop webview (issue 18 item 5): the built
// Tauri binary on a new database of its own, driven through tauri-driver +
// WebKitWebDriver. Script tags, <img onerror>, SVG, javascript: links,
// iframe srcdoc, a </title> break, CSS and RTL tricks saved as company,
// contact and user names, notes and memos are shown as text on the lists,
// the record pages and in search: window.__pwned stays unset, the title is
// not replaced, no hostile element or handler is in the DOM, and a
// javascript: web address (as an older laptop could have synced it) is text,
// not a link. The same corpus runs in Chromium: ui/e2e/hostile.test.mjs.
//
// Env: DAIFUKU_DESKTOP_BIN (the app), WEBDRIVER_URL. Run by scripts/test-desktop.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, startApp } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const T = { timeout: 300_000 };
const PWN = 'window.__pwned=1';
const byTest = (id) => `[data-testid="${id}"]`;
let app;
let dir;
let title;
const ids = {};

/** The corpus, made here: each would set window.__pwned or the title if it ever ran. */
const texts = [
  `<script>${PWN}</script>株式会社スクリプト`,
  `<img src=x onerror="${PWN}">画像商事`,
  `"><svg onload=${PWN}>`,
  `<svg><script>${PWN}</script></svg>`,
  `<a href="javascript:${PWN}">クリック</a>`,
  `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>`,
  `</title><script>document.title='pwned'</script>`,
  `<style>body{display:none}</style><div style="position:fixed;inset:0;background:red">`,
  `\u202Egpj.exe 右から左`,
  `<details open ontoggle=${PWN}>`,
];

/** One command through the app's own IPC. */
const call = (cmd) => app.call(cmd);

const INSPECT = `
  return {
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    title: document.title,
    scripts: document.querySelectorAll('body script').length,
    badImages: document.querySelectorAll('img[src="x"], img[onerror]').length,
    svgOnload: document.querySelectorAll('svg[onload]').length,
    iframes: document.querySelectorAll('iframe').length,
    details: document.querySelectorAll('details[ontoggle]').length,
    inlineHandlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
    hostileStyle: [...document.querySelectorAll('style')].some((s) => s.textContent.includes('body{display:none}')),
    bodyShown: getComputedStyle(document.body).display !== 'none',
    text: [document.body.innerText, ...[...document.querySelectorAll('input, textarea')].map((e) => e.value)].join('\\n'),
  };`;

async function assertNothingRan(where, mustShow) {
  await sleep(400);
  const s = await app.script(INSPECT);
  assert.equal(s.pwned, null, `${where}: a payload ran`);
  assert.equal(s.title, title, `${where}: the title was replaced`);
  assert.deepEqual(
    [s.scripts, s.badImages, s.svgOnload, s.iframes, s.details, s.inlineHandlers, s.jsLinks, s.hostileStyle, s.bodyShown],
    [0, 0, 0, 0, 0, 0, 0, false, true],
    `${where}: a hostile element reached the page`,
  );
  assert.ok(s.text.includes(mustShow), `${where}: ${mustShow.slice(0, 40)}… is shown as text`);
}

async function go(hash, ready) {
  await app.script('window.location.hash = arguments[0];', hash);
  await app.find(ready, 30000);
}

before(async () => {
  assert.ok(APP, 'DAIFUKU_DESKTOP_BIN must be set');
  dir = mkdtempSync(join(tmpdir(), 'daifuku-hostile-'));
  const db = join(dir, 'office.db');
  app = await startApp(APP, { DAIFUKU_DB: db, XDG_DATA_HOME: join(dir, 'data') });
  await app.find(byTest('screen-welcome'), 30000);
  await call({ cmd: 'welcome_done' });
  const user = (await call({ cmd: 'add', kind: 'user', fields: { name: texts[6], active: true } })).id;
  await call({ cmd: 'set_current_user', user_id: user });
  ids.company = (
    await call({ cmd: 'add', kind: 'company', fields: { name: texts[0], notes: texts.join('\n'), private_memo: texts[1], phone: '03-1234-5678（代）' } })
  ).id;
  ids.contact = (
    await call({ cmd: 'add', kind: 'contact', fields: { company_id: ids.company, family_name: texts[1], given_name: texts[6], memos: texts.join('\n') } })
  ).id;
  ids.activity = (
    await call({ cmd: 'add', kind: 'activity', fields: { kind: 'visit', company_id: ids.company, occurred_at: '2026-12-01T10:00', subject: texts[3], content: texts.join('\n') } })
  ).id;
  // A javascript: web address, as an older laptop could have synced it (today's app refuses it).
  execFileSync('/usr/bin/python3', [
    '-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE companies SET website=? WHERE id=?", (sys.argv[2], sys.argv[3])); c.commit()',
    db,
    `javascript:${PWN}`,
    ids.company,
  ]);
  await app.script('location.reload()');
  await app.find(byTest('screen-home'), 30000);
  title = await app.script('return document.title;');
});

after(async () => {
  await app?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('hostile texts are shown as text in the desktop webview', T, async () => {
  await go('#/companies', byTest('screen-companies'));
  await app.waitForText(byTest('screen-companies'), (t) => t.includes('株式会社スクリプト'), 30000);
  await assertNothingRan('company list', texts[0]);
  await go('#/contacts', byTest('screen-contacts'));
  await app.waitForText(byTest('screen-contacts'), (t) => t.includes('画像商事'), 30000);
  await assertNothingRan('contact list', texts[1]);
  await go(`#/company/${ids.company}`, byTest('company-view'));
  await app.waitForText(byTest('company-view'), (t) => t.includes('body{display:none}'), 30000);
  await assertNothingRan('company page', texts[7]);
  const website = await app.script(
    `const el = [...document.querySelectorAll('body *')].find((e) => e.children.length === 0 && e.textContent === arguments[0]);
     return el ? { found: true, inLink: el.closest('a') != null } : { found: false };`,
    `javascript:${PWN}`,
  );
  assert.deepEqual(website, { found: true, inLink: false });
  await go(`#/contact/${ids.contact}`, byTest('screen-contact'));
  await app.waitForText(byTest('screen-contact'), (t) => t.includes('画像商事'), 30000);
  await assertNothingRan('contact page', texts[1]);
  await go(`#/activity/${ids.activity}`, 'textarea, input');
  await app.waitFor('the activity is loaded', async () => (await app.script(INSPECT)).text.includes(texts[3]), 30000);
  await assertNothingRan('activity page', texts[3]);
});
