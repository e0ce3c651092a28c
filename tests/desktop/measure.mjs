// Measures the real desktop app (not a test: prints figures).
//   node tests/desktop/measure.mjs APP_BINARY [--list] [--palette] [--floor]
// Env: WEBDRIVER_URL (a running tauri-driver), DAIFUKU_DB for the app.
// Prints: start → first list painted (ms), idle PSS of the app and its
// WebKit processes (MB), with --list frame times while scrolling the
// company list, and with --palette the time from each keystroke in Ctrl+K
// to its results painted (p50/p95/max over real WebDriver key presses, and
// where the time goes), with --floor the same on bare pages (the webview's
// own floor).
import { readFileSync, readdirSync } from 'node:fs';

const WD = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const [app, ...flags] = process.argv.slice(2);
const withList = flags.includes('--list');
const withPalette = flags.includes('--palette');
const withFloor = flags.includes('--floor');
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
await sleep(Number(process.env.MEASURE_SETTLE_MS ?? 5000));
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
// In the page: times each keystroke in the box `inputSel` until the list
// `listSel` answers the box's text (its `data-q`) and that frame is painted.
// From the key's event time (keydown, else the input event): `handler`
// when the page's first listener ran, `dom` when the list's DOM answered
// (the search's IPC is inside; search_ipc below times it alone: Tauri's
// invoke cannot be wrapped, its property is read-only), `raf` the next
// animation frame (style, layout and paint follow it) and `painted` the
// task after that frame.
const INSTALL_TIMER = `
  const [inputSel, listSel] = arguments;
  const input = document.querySelector(inputSel);
  const list = document.querySelector(listSel);
  const kp = window.__kp = { cur: null, done: [] };
  const start = (e) => { if (!kp.cur) kp.cur = { key: e.timeStamp, handler: performance.now() }; };
  input.addEventListener('keydown', start, true);
  input.addEventListener('input', start, true);
  new MutationObserver(() => {
    const k = kp.cur;
    if (k && !k.dom && list.dataset.q === input.value) {
      k.q = input.value;
      k.dom = performance.now();
      requestAnimationFrame(() => {
        k.raf = performance.now();
        setTimeout(() => { k.painted = performance.now(); kp.cur = null; kp.done.push(k); }, 0);
      });
    }
  }).observe(list, { attributes: true, childList: true, subtree: true });`;

const QUERIES = ['山田', 'やまだ', 'ヤマダ', '株式会社', '東京', 'tanaka', '03-', '鈴木商事', 'さとう', '大阪'];
const PREFIXES = QUERIES.flatMap((q) => [...q].map((_, i) => q.slice(0, i + 1)));
const at = (xs, p) => +xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);
const stats = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? { p50: at(v, 0.5), p95: at(v, 0.95), max: +v[v.length - 1].toFixed(1) } : null;
};

/** Types every query one key at a time into `inputSel` (WebDriver key presses) and summarises the timings. */
async function typeAndTime(inputSel, listSel) {
  await exec(INSTALL_TIMER, [inputSel, listSel]);
  const input = await wd('POST', s('/element'), { using: 'css selector', value: inputSel });
  const el = Object.values(input)[0];
  let keys = 0;
  for (const q of QUERIES) {
    await wd('POST', s(`/element/${el}/clear`), {});
    await sleep(150);
    await exec('window.__kp.cur = null;');
    for (const ch of q) {
      const before = await exec('return window.__kp.done.length');
      await wd('POST', s(`/element/${el}/value`), { text: ch });
      keys++;
      // Polls run script in the page: the first only after the answer is
      // normally painted, so that they do not compete with it.
      await sleep(120);
      for (let i = 0; i < 100; i++) {
        if ((await exec('return window.__kp.done.length')) > before) break;
        await sleep(20);
      }
      await sleep(30);
    }
  }
  const done = await exec('return window.__kp.done');
  const total = done.map((k) => k.painted - k.key);
  const phase = (a, b) => stats(done.map((k) => (k[a] != null && k[b] != null ? k[b] - k[a] : NaN)));
  return {
    keystrokes: keys,
    measured: done.length,
    p50_ms: stats(total)?.p50,
    p95_ms: stats(total)?.p95,
    max_ms: stats(total)?.max,
    phases: {
      key_to_handler: phase('key', 'handler'),
      handler_to_dom: phase('handler', 'dom'),
      dom_to_frame: phase('dom', 'raf'),
      frame_to_painted: phase('raf', 'painted'),
    },
    each: process.env.MEASURE_EACH
      ? done.map((k) => [k.q, Math.round(k.dom - k.key), Math.round(k.painted - k.key)])
      : undefined,
  };
}

let palette = null;
if (withPalette) {
  // Ctrl+K from the keyboard (WebDriver actions), then each query typed one
  // key at a time.
  await exec("location.hash = '#/'");
  await sleep(500);
  await wd('POST', s('/actions'), { actions: [{ type: 'key', id: 'kb', actions: [
    { type: 'keyDown', value: '\uE009' }, { type: 'keyDown', value: 'k' }, { type: 'keyUp', value: 'k' }, { type: 'keyUp', value: '\uE009' },
  ] }] });
  let found = false;
  for (let i = 0; i < 100 && !found; i++) {
    found = await exec('return !!document.querySelector(\'[data-testid="palette-input"]\')');
    if (!found) await sleep(50);
  }
  palette = found
    ? await typeAndTime('[data-testid="palette-input"]', '[data-testid="palette-results"]')
    : { error: 'the palette did not open' };
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
    args: [PREFIXES],
  });
  if (Array.isArray(ipcEach)) {
    const st = stats(ipcEach);
    palette.search_ipc = { calls: ipcEach.length, p50_ms: st.p50, p95_ms: st.p95 };
  }
}

// --floor: what this webview costs without our code. The same key presses
// and the same timing, on (1) `text`: a bare page (the app hidden) whose box
// changes one text node, (2) `rows`: the bare page with the palette's rows
// for the typed text rendered at once from data fetched beforehand (no IPC,
// no React), (3) `text_app`: one text node over the app's home screen, (4)
// `palette_css`: the rows in the palette's own markup and CSS over the app
// (backdrop, fonts, the palette-open styles), still without IPC or React.
// If (1) is already above the goal, the goal cannot be met in this
// environment whatever the app does. Experiments with CSS must go through
// the CSSOM (insertRule): the page's CSP refuses injected <style> elements
// and style attributes, silently.
let floor = null;
if (withFloor) {
  await exec("location.hash = '#/'");
  await sleep(500);
  await wd('POST', s('/execute/async'), {
    script: `const done = arguments[arguments.length - 1];
      (async () => {
        const hits = {};
        for (const q of arguments[0]) {
          const r = await window.__TAURI_INTERNALS__.invoke('api', { cmd: { cmd: 'search', q, limit: 12 } });
          hits[q] = r.hits ?? r.data?.hits ?? r.data ?? [];
        }
        window.__hits = hits;
        done(true);
      })().catch((e) => done(String(e)));`,
    args: [PREFIXES],
  });
  const SCENE = `
    const [scene] = arguments;
    document.getElementById('__floor')?.remove();
    const root = document.getElementById('root');
    root.style.display = scene === 'palette_css' || scene === 'text_app' ? '' : 'none';
    document.documentElement.classList.toggle('palette-open', scene === 'palette_css');
    const esc = (x) => String(x ?? '').replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
    const row = (h, i) => '<li role="option" class="' + (i === 0 ? 'active' : '') + '" data-testid="floor-hit">' +
      '<span class="badge badge-kind-' + esc(h.kind) + '">' + esc(h.kind) + '</span>' +
      '<span class="hit-main"><span class="hit-title">' + esc(h.display_name) +
      (h.code ? '<span class="hit-code"> [' + esc(h.code) + ']</span>' : '') +
      (h.company_name && h.kind !== 'company' ? '<span class="hit-company"> · ' + esc(h.company_name) + '</span>' : '') +
      '</span><small class="hit-sub"><span class="hit-why">' + esc(h.matched) + '</span>' +
      (h.snippet ? '<span class="hit-snippet">' + esc(h.snippet.before) + '<mark>' + esc(h.snippet.matched) + '</mark>' + esc(h.snippet.after) + '</span>' : '') +
      '</small></span></li>';
    const wrap = document.createElement('div');
    wrap.id = '__floor';
    if (scene === 'palette_css') {
      wrap.className = 'backdrop backdrop-top';
      wrap.innerHTML = '<div class="palette"><div class="palette-input"><span>🔍</span><input id="__floor_in"><kbd>Esc</kbd></div><ul class="palette-results" id="__floor_list"></ul></div>';
    } else {
      wrap.style.cssText = 'position:fixed;inset:0;background:#fff;padding:40px;z-index:9999';
      // Styles through the CSSOM: the page's CSP refuses style attributes.
      wrap.innerHTML = '<input id="__floor_in"><ul class="palette-results" id="__floor_list"></ul>';
      wrap.firstChild.style.cssText = 'font-size:17px;width:600px';
      wrap.lastChild.style.cssText = 'width:640px';
    }
    document.body.appendChild(wrap);
    const input = document.getElementById('__floor_in');
    const list = document.getElementById('__floor_list');
    input.addEventListener('input', () => {
      const q = input.value;
      if (scene.startsWith('text')) list.textContent = q;
      else list.innerHTML = (window.__hits[q] ?? []).map(row).join('');
      list.dataset.q = q;
    });
    input.focus();`;
  floor = {};
  for (const scene of ['text', 'rows', 'text_app', 'palette_css']) {
    await exec(SCENE, [scene]);
    await sleep(300);
    const r = await typeAndTime('#__floor_in', '#__floor_list');
    floor[scene] = { measured: r.measured, p50_ms: r.p50_ms, p95_ms: r.p95_ms, max_ms: r.max_ms, phases: { key_to_handler: r.phases.key_to_handler, dom_to_frame: r.phases.dom_to_frame, frame_to_painted: r.phases.frame_to_painted } };
  }
  await exec("document.getElementById('__floor')?.remove(); document.getElementById('root').style.display = ''; document.documentElement.classList.remove('palette-open');");
}
console.log(JSON.stringify({ app, page_loaded_ms: Math.round(sessionMs), first_list_painted_ms: painted && Math.round(painted), first_list_painted_in_page_ms: markPainted && Math.round(markPainted), idle_pss_mb: Math.round(pss.mb), processes: pss.parts, scroll, palette, floor }, null, 1));
await wd('DELETE', s(''));
