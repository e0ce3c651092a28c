// The renewal reminder as a desktop notification (issue 21 item 3), in the
// real desktop app: the built Tauri binary on a database of its own, with a
// real notification daemon (dunst, printing what it shows) on a D-Bus
// session bus of this test's own. The app shows this week's reminders when
// it starts — once a day: started again the same day, it shows nothing new.
//
// Env: DAIFUKU_DESKTOP_BIN (the app), DAIFUKU_BIN (the CLI), WEBDRIVER_URL.
// Run by scripts/test-desktop.sh; needs dbus-daemon, dbus-send, xvfb-run and
// dunst (scripts/setup.sh installs them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, sleep } from './webdriver.mjs';

const APP = process.env.DAIFUKU_DESKTOP_BIN;
const CLI = process.env.DAIFUKU_BIN;
const T = { timeout: 300_000 };
let dir;
let db;
let bus;
let daemon;
let shown = '';

/** A local date `days` from today, YYYY-MM-DD (the app's "today" is local too). */
function inDays(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const cli = (...args) => JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json'], { encoding: 'utf8' }));

/** The notifications dunst has printed so far, as { summary, body }. */
function notifications() {
  return [...shown.matchAll(/summary: '([^']*)'\s*\n\s*body: '([^']*)'/g)].map((m) => ({ summary: m[1], body: m[2] }));
}

async function until(pred, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return;
    await sleep(200);
  }
  assert.fail(`timed out waiting for ${what}; dunst printed:\n${shown}`);
}

before(async () => {
  assert.ok(APP && CLI, 'DAIFUKU_DESKTOP_BIN and DAIFUKU_BIN must be set');
  dir = mkdtempSync(join(tmpdir(), 'daifuku-notify-'));
  db = join(dir, 'office.db');
  // A contract whose 30-day reminder falls today, one whose 90-day reminder
  // fell two days ago (both "this week"), and one far off (no reminder yet).
  const company = cli('company', 'add', '--name', '株式会社 更新テスト商事').id;
  cli('purchase', 'add', '--company-id', company, '--product-name', '保守契約プラン', '--renewal-date', inDays(30));
  cli('purchase', 'add', '--company-id', company, '--product-name', 'クラウド年間契約', '--renewal-date', inDays(88));
  cli('purchase', 'add', '--company-id', company, '--product-name', '遠い先の契約', '--renewal-date', inDays(200));

  // A session bus of our own, and dunst on it (on a virtual display of its own).
  daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  bus = await new Promise((resolve, reject) => {
    let out = '';
    daemon.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0].trim());
    });
    daemon.on('error', reject);
  });
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus };
  const dunst = spawn('xvfb-run', ['-a', 'dunst', '-print'], { env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  dunst.stdout.on('data', (d) => (shown += d));
  daemon.dunst = dunst;
  const owned = () => {
    try {
      const r = execFileSync(
        'dbus-send',
        ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.Notifications'],
        { env, encoding: 'utf8' },
      );
      return r.includes('boolean true');
    } catch {
      return false;
    }
  };
  await until(owned, 20000, 'the notification daemon on the bus');
});

after(async () => {
  if (daemon?.dunst) {
    try {
      process.kill(-daemon.dunst.pid);
    } catch {
      // already gone
    }
  }
  daemon?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const launch = () =>
  startApp(APP, { DAIFUKU_DB: db, XDG_DATA_HOME: join(dir, 'data'), DBUS_SESSION_BUS_ADDRESS: bus, LANG: 'ja_JP.UTF-8' });

test('the app starts and shows this week’s renewals as one desktop notification', T, async () => {
  assert.equal(notifications().length, 0, 'nothing shown before the app starts');
  const app = await launch();
  try {
    await until(() => notifications().length > 0, 60000, 'the renewal notification');
    const [n] = notifications();
    assert.equal(n.summary, '今週の契約更新 2件');
    assert.match(n.body, /保守契約プラン（株式会社 更新テスト商事）: 更新日 .* まで30日（30日前のお知らせ）/);
    assert.match(n.body, /クラウド年間契約（株式会社 更新テスト商事）: 更新日 .* まで88日（90日前のお知らせ）/);
    assert.doesNotMatch(n.body, /遠い先の契約/);
  } finally {
    await app.end();
  }
});

test('started again the same day, the app shows no second notification', T, async () => {
  const before = notifications().length;
  assert.equal(before, 1);
  const app = await launch();
  try {
    await app.find('[data-testid^="screen-"]', 30000);
    // The check runs as the app starts: give it time to (wrongly) notify.
    await sleep(5000);
    assert.equal(notifications().length, before, 'no second notification the same day');
  } finally {
    await app.end();
  }
});
