// 名刺 in, cards out (issue 22) in the real desktop app: the built Tauri
// binary on a database of its own, driven through tauri-driver +
// WebKitWebDriver. A generated business card (Debian's Japanese fonts) is
// picked on the 名刺取り込み screen, read offline by the app (Tesseract),
// reviewed and saved as a contact with its company; then 印刷 on that
// company's page writes the 顧客カード PDF beside the database, which
// pdftotext reads back (Japanese text, the 社外秘 footer) and pdftoppm
// renders to a page that is not blank.
//
// Env: DAIFUKU_DESKTOP_BIN (the app), DAIFUKU_BIN (the CLI), WEBDRIVER_URL.
// Run by scripts/test-desktop.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, sleep } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const CLI = process.env.DAIFUKU_BIN;
const T = { timeout: 300_000 };
const byTest = (id) => `[data-testid="${id}"]`;
const CARD = 'card-000-horizontal-scan.png';
let app;
let dir;
let truth;

/** One command through the app's own IPC. */
const call = (cmd) => app.call(cmd);

/** The value of the input inside a field of the review form. */
const fieldValue = (name) => app.script(`return document.querySelector('[data-testid="cards-field-${name}"] input')?.value ?? null;`);

before(async () => {
  assert.ok(APP && CLI, 'DAIFUKU_DESKTOP_BIN and DAIFUKU_BIN must be set');
  dir = mkdtempSync(join(tmpdir(), 'daifuku-cards-print-'));
  execFileSync(CLI, ['--db', join(dir, 'corpus-scratch.db'), 'card', 'corpus', '--out', join(dir, 'corpus'), '--count', '1', '--seed', '4']);
  truth = JSON.parse(readFileSync(join(dir, 'corpus', 'truth.json'), 'utf8'))[CARD].fields;
  app = await startApp(APP, { DAIFUKU_DB: join(dir, 'office.db'), XDG_DATA_HOME: join(dir, 'data') });
  await app.find('[data-testid^="screen-"]', 30_000);
});

after(async () => {
  await app?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a card photo picked in the app is read offline, reviewed and saved as a contact with its company', T, async () => {
  await app.go('#/cards');
  await app.find(byTest('screen-cards'));
  // WebDriver cannot drive the file chooser: the picked file is handed to the
  // screen's file input as the chooser would (a File in its FileList).
  const base64 = readFileSync(join(dir, 'corpus', CARD)).toString('base64');
  await app.script(
    `const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
     const dt = new DataTransfer();
     dt.items.add(new File([bytes], arguments[1], { type: 'image/png' }));
     const input = document.querySelector('[data-testid="cards-input"]');
     input.files = dt.files;
     input.dispatchEvent(new Event('change', { bubbles: true }));`,
    base64,
    CARD,
  );
  await app.find(byTest('cards-review'), 120_000);
  await app.find(byTest('cards-image'));
  assert.equal(await fieldValue('company'), truth.company);
  assert.equal(await fieldValue('family_name'), truth.family_name);
  assert.equal(await fieldValue('email'), truth.email);
  await app.shot('cards-review');
  await app.click(byTest('cards-save'));
  await app.find(byTest('cards-saved'), 30_000);

  const contacts = await call({ cmd: 'list', kind: 'contact', query: { filters: [], no_total: false } });
  assert.equal(contacts.total, 1);
  assert.equal(contacts.items[0].data.family_name, truth.family_name);
  assert.equal(contacts.items[0].data.email, truth.email);
  const atts = await call({ cmd: 'attachments', owner_kind: 'contact', owner_id: contacts.items[0].id });
  assert.equal(atts[0].name, CARD, 'the card image is kept with the contact');
});

test('印刷 on the company page writes the 顧客カード PDF beside the database, with Japanese text and a page that is not blank', T, async () => {
  const companies = await call({ cmd: 'list', kind: 'company', query: { filters: [], no_total: false } });
  const company = companies.items.find((c) => c.data.name === truth.company);
  assert.ok(company, JSON.stringify(companies.items.map((c) => c.data.name)));
  await app.go(`#/company/${company.id}`);
  await app.click(byTest('company-print'));
  const exports = join(dir, 'exports');
  let pdf = null;
  for (let i = 0; i < 150 && !pdf; i++) {
    await sleep(200);
    try {
      const f = readdirSync(exports).find((n) => n.endsWith('.pdf'));
      if (f) pdf = join(exports, f);
    } catch {
      /* not made yet */
    }
  }
  assert.ok(pdf, 'no PDF was written beside the database');
  await sleep(500); // the file is written in one go; let a slow disk finish
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  assert.ok(text.includes('顧客カード'), text.slice(0, 400));
  assert.ok(text.includes(truth.family_name), `the contact is on the card: ${text.slice(0, 400)}`);
  assert.match(text, /社外秘/);
  // The first page as a small grey image: a real page has ink on it.
  execFileSync('pdftoppm', ['-gray', '-r', '20', '-f', '1', '-l', '1', pdf, join(dir, 'page')]);
  const pgm = readdirSync(dir).find((n) => n.startsWith('page') && n.endsWith('.pgm'));
  const bytes = readFileSync(join(dir, pgm));
  // P5 header ("P5 <w> <h> 255" and one blank), then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  assert.ok(header, 'pdftoppm wrote a PGM');
  const pixels = bytes.subarray(header[0].length);
  assert.equal(pixels.length, Number(header[1]) * Number(header[2]));
  const dark = pixels.filter((p) => p < 128).length;
  assert.ok(dark > pixels.length / 500, `the page is blank (${dark} dark of ${pixels.length} pixels)`);
  await app.shot('print-company');
});
