// Shared by the end-to-end suite and the screenshot tool: starts the
// `daifuku serve` bridge on a fresh database and a headless Chromium.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(UI_DIR, '..');
export const BIN = process.env.DAIFUKU_BIN ? resolve(process.env.DAIFUKU_BIN) : join(REPO, 'target', 'debug', 'daifuku');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Starts the bridge; resolves with { url, proc, stop }. */
export async function startBridge({ db, uiDir = join(UI_DIR, 'dist') } = {}) {
  if (!existsSync(BIN)) throw new Error(`daifuku binary not found at ${BIN} (build it with \`cargo build --bin daifuku\` or set DAIFUKU_BIN)`);
  if (!existsSync(join(uiDir, 'index.html'))) throw new Error(`built UI not found in ${uiDir} (run \`npm run build\`)`);
  const proc = spawn(BIN, ['--db', db, 'serve', '--port', '0', '--ui-dir', uiDir], { cwd: UI_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`bridge did not print DAIFUKU_URL within 20 s:\n${log}`)), 20_000);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = /DAIFUKU_URL=(\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c) => (log += c.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`bridge exited with ${code}:\n${log}`));
    });
  });
  const stop = () =>
    new Promise((res) => {
      if (proc.exitCode != null) return res();
      proc.once('exit', () => res());
      proc.kill('SIGTERM');
      setTimeout(() => proc.exitCode == null && proc.kill('SIGKILL'), 3000);
    });
  return { url, proc, stop };
}

/** A fresh headless Chromium with its own profile directory. */
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'daifuku-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'ja-JP',
  });
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

export function tempDir(prefix = 'daifuku-e2e-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Sends one command to the bridge from inside the page (with the page's token). */
export function apiCall(page, cmd) {
  return page.evaluate(async (c) => {
    const res = await fetch('/api', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('daifuku.token')}` },
      body: JSON.stringify(c),
    });
    return res.json();
  }, cmd);
}

/** `apiCall`, answering the response's `data` and throwing the error body when the command fails. */
export async function apiData(page, cmd) {
  return page.evaluate(async (c) => {
    const r = await fetch('/api', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('daifuku.token')}` },
      body: JSON.stringify(c),
    });
    const body = await r.json();
    if (!r.ok) throw new Error(JSON.stringify(body));
    return body.data;
  }, cmd);
}

/**
 * A bridge on a fresh database `dbName` in a temp dir and a browser page on
 * Home; script errors are collected in `pageErrors`. `close()` ends it all.
 */
export async function openApp(dbName, { timeout = 20_000 } = {}) {
  const dir = tempDir();
  const bridge = await startBridge({ db: join(dir, dbName) });
  const browser = await startBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(timeout);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(bridge.url);
  await page.getByTestId('screen-home').waitFor();
  const close = async () => {
    await browser.close();
    await bridge.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, bridge, browser, page, pageErrors, close };
}
