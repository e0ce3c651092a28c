// Screenshots of every main screen against a database given on the command
// line (e.g. demo data from `daifuku gen`): node e2e/shots.mjs /tmp/demo.db out/
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBridge, startBrowser } from './harness.mjs';

const [db = '/tmp/demo.db', out = '/tmp/shots'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const bridge = await startBridge({ db: resolve(db) });
const { context, close } = await startBrowser();
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(bridge.url);
  await page.waitForSelector('[data-testid=screen-home]');
  const base = bridge.url.split('#')[0];
  const shot = async (name, hash, wait) => {
    if (hash != null) await page.goto(`${base}#${hash}`);
    await page.waitForSelector(wait);
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${out}/${name}.png` });
    console.log('saved', `${out}/${name}.png`);
  };
  await shot('home', '/', '[data-testid=screen-home]');
  await shot('companies', '/companies', '[data-testid=row-company]');
  const firstId = await page.getAttribute('[data-testid=row-company]', 'data-id');
  await shot('company', `/company/${firstId}`, '[data-testid=company-view]');
  await shot('company-timeline', `/company/${firstId}?tab=timeline`, '[data-testid=company-timeline], [data-testid=company-timeline-empty]');
  await shot('company-finance', `/company/${firstId}?tab=finance`, '[data-testid=company-financials]');
  await shot('contacts', '/contacts', '[data-testid=row-contact]');
  const contactId = await page.getAttribute('[data-testid=row-contact]', 'data-id');
  await shot('contact', `/contact/${contactId}`, '[data-testid=contact-view]');
  await shot('activity', `/activity/new?company=${firstId}&kind=meeting`, '[data-testid=activity-form]');
  await shot('activity-inquiry', `/activity/new?company=${firstId}&kind=inquiry`, '[data-testid=activity-form]');
  await shot('activity-report', `/activity/new?company=${firstId}&kind=info_report`, '[data-testid=activity-form]');
  await shot('deals', '/deals', '[data-testid=kanban]');
  await page.getByTestId('deal-card').first().click();
  await shot('deal-dialog', null, '[data-testid=dialog-deal]');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+k');
  await page.getByTestId('palette-input').fill('株式会社');
  await shot('palette', null, '[data-testid=palette-hit]');
  await page.keyboard.press('Escape');
  await shot('products', '/products?tab=comparison', '[data-testid=screen-products]');
  await shot('products-own', '/products', '[data-testid=product-card]');
  await shot('products-cases', '/products?tab=cases', '[data-testid=screen-products]');
  await shot('tasks', '/tasks', '[data-testid=screen-tasks]');
  await shot('trash', '/trash', '[data-testid=screen-trash]');
  await shot('settings', '/settings', '[data-testid=screen-settings]');
  await page.getByTestId('lang-en').click();
  await page.getByTestId('wareki-toggle').check();
  await shot('company-en', `/company/${firstId}`, '[data-testid=company-view]');
  await page.goto(`${base}#/settings`);
  await page.getByTestId('lang-ja').click();
  await shot('home-wareki', '/', '[data-testid=screen-home]');
  await page.goto(`${base}#/settings`);
  await page.getByTestId('wareki-toggle').uncheck();
} finally {
  await close();
  await bridge.stop();
}
