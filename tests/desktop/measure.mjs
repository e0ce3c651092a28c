// Measures the real desktop app (not a test: prints figures).
//   node tests/desktop/measure.mjs APP_BINARY [--list] [--palette]
// Env: WEBDRIVER_URL (a running tauri-driver), DAIFUKU_DB for the app.
// Prints: start → first list painted (ms), idle PSS of the app and its
// WebKit processes (MB), with --list frame times while scrolling the
// company list, and with --palette the time from each keystroke in Ctrl+K
// to its results painted (p50/p95/max over real WebDriver key presses).
import { readFileSync, readdirSync } from 'node:fs';

const WD = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const [app, ...flags] = process.argv.slice(2);
const withList = flags.includes('--list');
const withPalette = flags.includes('--palette');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function wd(method, path, body) {
  const res = await fetch(`${WD}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(j.value ?? j)}`);
  return j.value;
}

function procs() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')[0];
      out.push({ pid: Number(d), ppid, cmd });
    } catch { /* gone */ }
  }
  return out;
}
function pssOfTree(rootPid) {
  const all = procs();
  const tree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true; }
  }
  let kb = 0;
  const parts = [];
  for (const pid of tree) {
    try {
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      if (m) { kb += Number(m[1]); parts.push(`${all.find((p) => p.pid === pid)?.cmd.split('/').pop()}=${(Number(m[1]) / 1024).toFixed(0)}MB`); }
    } catch { /* gone */ }
  }
  return { mb: kb / 1024, parts };
}

const t0 = performance.now();
const t0Epoch = Date.now();
const session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application: app } } } })).sessionId;
// WebDriver answers once the window's page has loaded: the shell's share.
const sessionMs = performance.now() - t0;
const s = (p) => `/session/${session}${p}`;
const exec = (script, args = []) => wd('POST', s('/execute/sync'), { script, args });
let painted = null;
let markPainted = null;
if (withList) {
  await exec("location.hash = '#/companies'");
  for (let i = 0; i < 600; i++) {
    const ok = await exec("const l = document.querySelector('[data-testid=\"screen-companies\"]'); return !!l && /\\d/.test(l.querySelector('[data-testid=\"list-total\"]')?.innerText ?? '') && (l.querySelectorAll('strong').length > 3);").catch(() => false);
    if (ok) { painted = performance.now() - t0; break; }
    await sleep(50);
  }
  // The same moment from the page's own clock, without WebDriver's polling
  // latency: the app's mark when list rows were first painted (relative to
  // the page's navigation start), plus the time from the session request to
  // that navigation start (spawning the app and WebKit).
  const inPage = await exec(
    "const m = performance.getEntriesByName('daifuku:first-list-painted')[0]; return { nav: performance.timeOrigin, mark: m ? m.startTime : null };",
  );
  if (inPage?.mark != null) markPainted = inPage.nav - t0Epoch + inPage.mark;
}
await sleep(5000);
const appProc = procs().find((p) => p.cmd === app || p.cmd.endsWith(app.split('/').pop()));
const pss = appProc ? pssOfTree(appProc.pid) : { mb: NaN, parts: [] };
let scroll = null;
if (withList) {
  // 30 jumps of 3,000 px down the list; each one timed from setting
  // scrollTop until the virtual list has re-rendered its rows.
  const times = [];
  for (let i = 0; i < 30; i++) {
    const ms = await wd('POST', s('/execute/async'), {
      script: `const done = arguments[arguments.length - 1];
        const el = document.querySelector('[data-testid="screen-companies"] .vlist-body') ||
          [...document.querySelectorAll('[data-testid="screen-companies"] *')].find((e) => e.scrollHeight > e.clientHeight + 1000);
        if (!el) return done(-1);
        const t = performance.now();
        const obs = new MutationObserver(() => { obs.disconnect(); done(performance.now() - t); });
        obs.observe(el, { childList: true, subtree: true, characterData: true });
        el.scrollTop += 3000;
        setTimeout(() => { obs.disconnect(); done(performance.now() - t); }, 2000);`,
      args: [],
    }).catch(() => -2);
    times.push(ms);
  }
  const ok = times.filter((t) => t >= 0).sort((a, b) => a - b);
  scroll = ok.length ? { jumps: ok.length, p50_ms: +ok[Math.floor(ok.length / 2)].toFixed(1), max_ms: +ok[ok.length - 1].toFixed(1) } : { error: times };
}
let palette = null;
if (withPalette) {
  // Ctrl+K from the keyboard (WebDriver actions), then each query typed one
  // key at a time. In the page: the key's event time (keydown, else the
  // input event) to the frame after the result list answers the box's text
  // (`data-q`), i.e. after it was painted.
  await exec("location.hash = '#/'");
  await sleep(500);
  await wd('POST', s('/actions'), { actions: [{ type: 'key', id: 'kb', actions: [
    { type: 'keyDown', value: '\uE009' }, { type: 'keyDown', value: 'k' }, { type: 'keyUp', value: 'k' }, { type: 'keyUp', value: '\uE009' },
  ] }] });
  let input = null;
  for (let i = 0; i < 100 && !input; i++) {
    input = await wd('POST', s('/element'), { using: 'css selector', value: '[data-testid="palette-input"]' }).catch(() => null);
    if (!input) await sleep(50);
  }
  const el = input && Object.values(input)[0];
  await exec(`
    const input = document.querySelector('[data-testid="palette-input"]');
    const list = document.querySelector('[data-testid="palette-results"]');
    const kp = window.__kp = { t0: null, waiting: false, times: [], ipc: [], each: [] };
    // The IPC round trip of each search (host + core + serialisation), to
    // tell it from the UI's own share.
    const inner = window.__TAURI_INTERNALS__;
    if (inner && !inner.__timed) {
      const invoke = inner.invoke.bind(inner);
      inner.invoke = (cmd, args, opts) => {
        const t = performance.now();
        const p = invoke(cmd, args, opts);
        if (args?.cmd?.cmd === 'search') p.then(() => kp.ipc.push(performance.now() - t), () => {});
        return p;
      };
      inner.__timed = true;
    }
    const start = (e) => { if (!kp.waiting) { kp.t0 = e.timeStamp; kp.waiting = true; } };
    input.addEventListener('keydown', start, true);
    input.addEventListener('input', start, true);
    new MutationObserver(() => {
      if (kp.waiting && list.dataset.q === input.value) {
        kp.waiting = false;
        const t0 = kp.t0;
        const q = input.value;
        const dom = performance.now();
        requestAnimationFrame(() => setTimeout(() => { kp.times.push(performance.now() - t0); kp.each.push([q, Math.round(dom - t0), Math.round(performance.now() - t0)]); }, 0));
      }
    }).observe(list, { attributes: true, childList: true, subtree: true });`);
  const queries = ['山田', 'やまだ', 'ヤマダ', '株式会社', '東京', 'tanaka', '03-', '鈴木商事', 'さとう', '大阪'];
  let keys = 0;
  for (const q of queries) {
    await wd('POST', s(`/element/${el}/clear`), {});
    await sleep(100);
    await exec('window.__kp.waiting = false; window.__kp.t0 = null;');
    for (const ch of q) {
      const before = await exec('return window.__kp.times.length');
      await wd('POST', s(`/element/${el}/value`), { text: ch });
      keys++;
      for (let i = 0; i < 200; i++) {
        if ((await exec('return window.__kp.times.length')) > before) break;
        await sleep(5);
      }
    }
  }
  // The IPC round trip alone (host + core + serialisation, no rendering):
  // the same queries asked directly, each three times, the median kept.
  const ipcEach = await wd('POST', s('/execute/async'), {
    script: `const done = arguments[arguments.length - 1];
      (async () => {
        const out = [];
        for (const q of arguments[0]) {
          const ts = [];
          for (let i = 0; i < 3; i++) {
            const t = performance.now();
            await window.__TAURI_INTERNALS__.invoke('api', { cmd: { cmd: 'search', q, limit: 12 } });
            ts.push(performance.now() - t);
          }
          ts.sort((a, b) => a - b);
          out.push(ts[1]);
        }
        done(out);
      })().catch((e) => done(String(e)));`,
    args: [queries.flatMap((q) => [...q].map((_, i) => q.slice(0, i + 1)))],
  });
  await exec('window.__kp.ipc = arguments[0]', [Array.isArray(ipcEach) ? ipcEach : []]);
  const times = (await exec('return window.__kp.times')).slice().sort((a, b) => a - b);
  const ipc = (await exec('return window.__kp.ipc')).slice().sort((a, b) => a - b);
  const at = (xs, p) => +xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);
  palette = times.length
    ? { keystrokes: keys, measured: times.length, p50_ms: at(times, 0.5), p95_ms: at(times, 0.95), max_ms: +times[times.length - 1].toFixed(1),
        search_ipc: ipc.length ? { calls: ipc.length, p50_ms: at(ipc, 0.5), p95_ms: at(ipc, 0.95) } : null,
        each: process.env.MEASURE_EACH ? await exec('return window.__kp.each') : undefined }
    : { error: 'no keystroke measured' };
}
console.log(JSON.stringify({ app, page_loaded_ms: Math.round(sessionMs), first_list_painted_ms: painted && Math.round(painted), first_list_painted_in_page_ms: markPainted && Math.round(markPainted), idle_pss_mb: Math.round(pss.mb), processes: pss.parts, scroll, palette }, null, 1));
await wd('DELETE', s(''));
