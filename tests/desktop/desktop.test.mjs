// The real desktop app: the built Tauri binary under Xvfb, driven by
// tauri-driver + WebKitWebDriver over the W3C WebDriver protocol (plain
// fetch, no client library). Run by scripts/test-desktop.sh, which starts
// tauri-driver and prepares a database with generated data.
//
// Env: DAIFUKU_DESKTOP_BIN (the app), DAIFUKU_DB (its database),
//      DAIFUKU_BIN (the CLI, to check what the app wrote), WEBDRIVER_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startApp } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const CLI = process.env.DAIFUKU_BIN;
const DB = process.env.DAIFUKU_DB;
let app;

const find = (css, ms) => app.find(css, ms);
const waitForText = (css, pred, ms) => app.waitForText(css, pred, ms);
const click = (css) => app.click(css);
const type = (css, value) => app.type(css, value);
const shot = (name) => app.shot(name);
function cli(...args) {
  return JSON.parse(execFileSync(CLI, ['--db', DB, ...args, '--json'], { encoding: 'utf8' }));
}

before(async () => {
  assert.ok(APP && CLI && DB, 'DAIFUKU_DESKTOP_BIN, DAIFUKU_BIN and DAIFUKU_DB must be set');
  app = await startApp(APP, { DAIFUKU_DB: DB });
});

after(async () => {
  await app?.end();
});

test('the app starts and shows the company list from its database', async () => {
  const started = Date.now();
  await find('[data-testid="screen-home"], [data-testid="screen-companies"]', 30000);
  await app.go('#/companies');
  // The first company in あいうえお order, as the CLI sees it.
  const first = cli('company', 'list', '--limit', '1').items[0].display_name;
  const total = cli('company', 'list', '--limit', '1').total;
  const listText = await waitForText('[data-testid="screen-companies"]', (t) => t.includes(first));
  assert.ok(listText.includes(first));
  const shown = await waitForText('[data-testid="list-total"]', (t) => /\d/.test(t));
  assert.ok(shown.replace(/[,，]/g, '').includes(String(total)), `total ${total} not in "${shown}"`);
  console.log(`# first list painted ${Date.now() - started} ms after the WebDriver session began`);
  await shot('companies');
});

test('creating a company in the app writes it to the database', async () => {
  const name = `デスクトップ検証商事 ${process.pid}`;
  await click('[data-testid="add-company"]');
  await type('[data-testid="field-name"]', name);
  await type('[data-testid="field-name_reading"]', 'デスクトップケンショウショウジ');
  await shot('new-company');
  await click('[data-testid="form-save"]');
  await waitForText('[data-testid="record-title"]', (t) => t.includes(name));
  await shot('company-page');
  const found = cli('company', 'list', '--q', name).items.map((r) => r.display_name);
  assert.deepEqual(found, [name]);
});

test('顧客ランク: the Pareto chart and the ranked table agree with the CLI; a cross-sell suggestion on the company page', async () => {
  const abc = cli('report', 'abc');
  const ranked = abc.companies.filter((c) => c.revenue > 0);
  await app.go('#/priorities');
  await find('[data-testid="screen-priorities"]', 30000);
  if (ranked.length === 0) {
    await waitForText('[data-testid="screen-priorities"]', (t) => t.includes('この期間の購入・契約の金額がありません'));
    return;
  }
  // Drawn by ECharts as SVG.
  await find('[data-testid="pareto-chart"] svg path', 30000);
  const table = await waitForText('[data-testid="prio-table"]', (t) => t.includes(ranked[0].name));
  assert.ok(table.includes(ranked[0].name));
  await shot('priorities');
  // The best customer's page: the suggestions the CLI gives, best first.
  const top = ranked[0].company_id;
  const cs = cli('report', 'cross-sell', '--company', top);
  await app.go(`#/company/${encodeURIComponent(top)}`);
  if (cs.suggestions.length > 0) {
    const text = await waitForText('[data-testid="cross-sell"]', (t) => t.includes(cs.suggestions[0].name));
    assert.ok(text.includes('を買った会社の'), text);
  } else {
    await waitForText('[data-testid="cross-sell"]', (t) => t.includes('この会社に提案できる商品'));
  }
  await shot('cross-sell');
});
