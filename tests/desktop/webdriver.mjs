// A WebDriver session on the real desktop app through tauri-driver (W3C
// WebDriver over plain fetch, no client library). Shared by the desktop tests.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WD = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
export const SHOTS = process.env.DAIFUKU_SHOTS ?? 'test-artifacts/desktop';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function wd(method, path, body) {
  const res = await fetch(`${WD}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

/** A session of the app at `application` (a binary, or a script that execs it). */
export async function startSession(application) {
  const caps = { capabilities: { alwaysMatch: { 'tauri:options': { application } } } };
  const v = await wd('POST', '/session', caps);
  return new Session(v.sessionId);
}

const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * A session of the app `binary` with `env` set. tauri-driver starts the app
 * with the driver's own environment (WebKitWebDriver passes no other), so the
 * app is started through a small script that sets `env` and execs it with the
 * arguments the driver gives: the database is the one this test chose, not
 * whatever the driver was started with.
 */
export async function startApp(binary, env) {
  const dir = mkdtempSync(join(tmpdir(), 'daifuku-launcher-'));
  const launcher = join(dir, 'daifuku-desktop.sh');
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shq(v)}`);
  writeFileSync(launcher, ['#!/bin/sh', ...exports, `exec ${shq(resolve(binary))} "$@"`, ''].join('\n'));
  chmodSync(launcher, 0o755);
  const session = await startSession(launcher);
  const end = session.end.bind(session);
  session.end = async () => {
    await end();
    rmSync(dir, { recursive: true, force: true });
  };
  return session;
}

export class Session {
  constructor(id) {
    this.id = id;
  }

  path(p) {
    return `/session/${this.id}${p}`;
  }

  async end() {
    await wd('DELETE', this.path('')).catch(() => {});
  }

  script(script, ...args) {
    return wd('POST', this.path('/execute/sync'), { script, args });
  }

  async find(css, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      try {
        const el = await wd('POST', this.path('/element'), { using: 'css selector', value: css });
        return Object.values(el)[0];
      } catch (e) {
        last = e;
        await sleep(200);
      }
    }
    throw new Error(`element ${css} not found: ${last}`);
  }

  /** innerText through a script: WebKitWebDriver's element-text command skips parts of CSS-grid rows. */
  innerText(css) {
    return this.script('const e = document.querySelector(arguments[0]); return e ? e.innerText : null;', css);
  }

  /** One command through the app's own IPC (what the UI's api.call sends): its `data`. */
  async call(cmd) {
    const r = await this.script(
      `return window.__TAURI_INTERNALS__.invoke('api', { cmd: arguments[0] }).then((r) => r.data, (e) => ({ error: e }));`,
      cmd,
    );
    if (r && r.error) throw new Error(JSON.stringify(r.error));
    return r;
  }

  async count(css) {
    return this.script('return document.querySelectorAll(arguments[0]).length;', css);
  }

  async waitForText(css, pred, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    let got = '';
    while (Date.now() < end) {
      got = (await this.innerText(css).catch(() => null)) ?? '';
      if (pred(got)) return got;
      await sleep(200);
    }
    throw new Error(`text of ${css} never matched; last: ${got.slice(0, 300)}`);
  }

  async waitFor(what, pred, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await pred().catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(`never true: ${what}`);
  }

  async click(css) {
    await wd('POST', this.path(`/element/${await this.find(css)}/click`), {});
  }

  async type(css, value) {
    const el = await this.find(css);
    await wd('POST', this.path(`/element/${el}/clear`), {});
    await wd('POST', this.path(`/element/${el}/value`), { text: value });
  }

  async go(hash) {
    await this.script('location.hash = arguments[0]', hash);
  }

  async shot(name) {
    await sleep(300); // WebKit screenshots may lag a frame
    const png = await wd('GET', this.path('/screenshot'));
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(`${SHOTS}/${name}.png`, Buffer.from(png, 'base64'));
  }
}
