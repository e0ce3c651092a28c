// Dates as a Japanese user expects them: yyyy/mm/dd, or 和暦 (令和/平成/昭和…)
// when the user asks for it. The core stores `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM`.

interface Era {
  name: string;
  en: string;
  /** First day of the era, `YYYY-MM-DD`. */
  start: string;
}

// Newest first.
const ERAS: Era[] = [
  { name: '令和', en: 'Reiwa', start: '2019-05-01' },
  { name: '平成', en: 'Heisei', start: '1989-01-08' },
  { name: '昭和', en: 'Showa', start: '1926-12-25' },
  { name: '大正', en: 'Taisho', start: '1912-07-30' },
  { name: '明治', en: 'Meiji', start: '1868-10-23' },
];

function parts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** `2019-05-01` → `令和元年5月1日`; null before Meiji or for a non-date. */
export function toWareki(iso: string): string | null {
  const p = parts(iso);
  if (!p) return null;
  const day = iso.slice(0, 10);
  const era = ERAS.find((e) => day >= e.start);
  if (!era) return null;
  const year = p[0] - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${year === 1 ? '元' : year}年${p[1]}月${p[2]}日`;
}

/** `2019-05-01` → `2019/05/01` (or 和暦 with `wareki`). Empty for null. */
export function formatDate(iso: string | null | undefined, wareki = false): string {
  if (!iso) return '';
  if (wareki) {
    const w = toWareki(iso);
    if (w) return w;
  }
  const p = parts(iso);
  if (!p) return iso;
  return `${p[0]}/${String(p[1]).padStart(2, '0')}/${String(p[2]).padStart(2, '0')}`;
}

/** `2024-05-01T14:30` → `2024/05/01 14:30`. A bare date is shown as a date. */
export function formatDateTime(iso: string | null | undefined, wareki = false): string {
  if (!iso) return '';
  const date = formatDate(iso, wareki);
  const t = /T(\d{2}:\d{2})/.exec(iso);
  return t ? `${date} ${t[1]}` : date;
}

/** Milliseconds since the epoch (record envelopes) → `yyyy/mm/dd hh:mm`. */
export function formatTimestamp(ms: number | null | undefined, wareki = false): string {
  if (ms == null) return '';
  const d = new Date(ms);
  return formatDateTime(localDateTime(d), wareki);
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
