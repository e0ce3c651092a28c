// Dates as a Japanese user expects them, through Intl (ICU's calendars and
// patterns, not tables of our own): `2024/05/01` in Japanese, `May 1, 2024` in
// English, or 和暦 (令和元年5月1日) when the user asks for it.
//
// The core stores `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM` as the user's local wall
// time. They are never shifted through the machine's time zone: the parts are
// put into a UTC instant and formatted back in UTC, so 23:30 stays 23:30 and
// 2024-05-01 stays the 1st on any machine. Only epoch timestamps (record
// envelopes) are instants, shown in the machine's own time zone.

import type { Lang } from './i18n';

function parts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The wall-clock parts of `YYYY-MM-DD[THH:MM]` as a UTC instant (format it with `timeZone: 'UTC'`). */
function wallClock(iso: string): Date | null {
  const p = parts(iso);
  if (!p) return null;
  const t = /T(\d{2}):(\d{2})/.exec(iso);
  const d = new Date(Date.UTC(p[0], p[1] - 1, p[2], t ? Number(t[1]) : 0, t ? Number(t[2]) : 0));
  // Date.UTC maps years 0–99 to 1900–1999; set the year again so 0099 stays 0099.
  d.setUTCFullYear(p[0]);
  // 2024-02-30 would roll over to March: show such a value as it is instead.
  if (d.getUTCMonth() !== p[1] - 1 || d.getUTCDate() !== p[2]) return null;
  return d;
}

const LOCALE: Record<Lang, string> = { ja: 'ja-JP', en: 'en-US' };

// Formatters are costly to build and lists format thousands of cells: keep one per option set.
const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

const DATE_OPTS: Record<Lang, Intl.DateTimeFormatOptions> = {
  ja: { year: 'numeric', month: '2-digit', day: '2-digit' },
  en: { year: 'numeric', month: 'short', day: 'numeric' },
};
const ERA_OPTS: Intl.DateTimeFormatOptions = { era: 'long', year: 'numeric', month: 'long', day: 'numeric' };
const TIME_OPTS: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/**
 * 明治 is the first era shown: ICU's Japanese calendar names earlier eras too,
 * but with Gregorian months and days, which no Japanese document of the time used.
 */
const FIRST_ERA_DAY = '1868-10-23';

function eraDate(d: Date, lang: Lang): string {
  const f = dtf(lang === 'ja' ? 'ja-JP-u-ca-japanese' : 'en-US-u-ca-japanese', { ...ERA_OPTS, timeZone: 'UTC' });
  // The first year of an era is 元年 in Japanese; ICU before 68 wrote 1年.
  return f
    .formatToParts(d)
    .map((p) => (lang === 'ja' && p.type === 'year' && p.value === '1' ? '元' : p.value))
    .join('');
}

/** `2019-05-01` → `令和元年5月1日`; null before 明治 or for a non-date. */
export function toWareki(iso: string): string | null {
  const d = wallClock(iso);
  if (!d || iso.slice(0, 10) < FIRST_ERA_DAY) return null;
  return eraDate(d, 'ja');
}

/** `2019-05-01` → `2019/05/01` (ja) or `May 1, 2019` (en), or 和暦 with `wareki`. Empty for null. */
export function formatDate(iso: string | null | undefined, wareki = false, lang: Lang = 'ja'): string {
  if (!iso) return '';
  const d = wallClock(iso);
  if (!d) return iso;
  if (wareki && iso.slice(0, 10) >= FIRST_ERA_DAY) return eraDate(d, lang);
  return dtf(LOCALE[lang], { ...DATE_OPTS[lang], timeZone: 'UTC' }).format(d);
}

/** `2024-05-01T14:30` → `2024/05/01 14:30` (ja), `May 1, 2024 14:30` (en). A bare date is shown as a date. */
export function formatDateTime(iso: string | null | undefined, wareki = false, lang: Lang = 'ja'): string {
  if (!iso) return '';
  const date = formatDate(iso, wareki, lang);
  const d = wallClock(iso);
  if (!d || !/T\d{2}:\d{2}/.test(iso)) return date;
  return `${date} ${dtf(LOCALE[lang], { ...TIME_OPTS, timeZone: 'UTC' }).format(d)}`;
}

/** Milliseconds since the epoch (record envelopes) → the date and time where the machine is. */
export function formatTimestamp(ms: number | null | undefined, wareki = false, lang: Lang = 'ja'): string {
  if (ms == null) return '';
  return formatDateTime(localDateTime(new Date(ms)), wareki, lang);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date, `YYYY-MM-DD`. */
export function localDate(d: Date = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local date and time, `YYYY-MM-DDTHH:MM`. */
export function localDateTime(d: Date = new Date()): string {
  return `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Today, `YYYY-MM-DD`. */
export function today(): string {
  return localDate();
}

/** `date` plus `days`, `YYYY-MM-DD`. */
export function addDays(iso: string, days: number): string {
  const p = parts(iso);
  if (!p) return iso;
  const d = new Date(p[0], p[1] - 1, p[2] + days);
  return localDate(d);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  const a = parts(from);
  const b = parts(to);
  if (!a || !b) return 0;
  return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86_400_000);
}
