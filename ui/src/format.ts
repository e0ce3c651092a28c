// Numbers as the user reads them, through Intl: money in 円 (Japanese business
// documents write `1,200,000円`; English shows `¥1,200,000`), counts with
// 3桁区切り, file sizes in Intl's byte units. Dates live in ./dates; the
// `useFormat` hook binds both to the user's language and 和暦 setting.

import { useContext } from 'react';
import { formatDate, formatDateTime, formatTimestamp } from './dates';
import { PrefsContext, type Lang } from './i18n';

const LOCALE: Record<Lang, string> = { ja: 'ja-JP', en: 'en-US' };

// Building a formatter costs more than using one, and lists format many cells.
const cache = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, opts: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = lang + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE[lang], opts);
    cache.set(key, f);
  }
  return f;
}

// currencyDisplay 'name' is what puts 円 after the number in Japanese (the symbol gives ￥ before it).
const YEN: Record<Lang, Intl.NumberFormatOptions> = {
  ja: { style: 'currency', currency: 'JPY', currencyDisplay: 'name' },
  en: { style: 'currency', currency: 'JPY' },
};

/** Money: `1,200,000円` (ja), `¥1,200,000` (en). Empty for null or a non-number. */
export function formatYen(n: number | null | undefined, lang: Lang = 'ja'): string {
  if (n == null || !Number.isFinite(n)) return '';
  return nf(lang, YEN[lang]).format(n);
}

// `useGrouping: 'always'` is ES2023 (Intl.NumberFormat v3); tsconfig's lib is ES2022, which types it boolean.
const ALWAYS_GROUP = 'always' as unknown as boolean;

/**
 * Money for dense places (board totals): `180万円`, `1.2億円` in Japanese,
 * `¥1.8M` in English; below 1万円 / ¥1M in full.
 */
export function formatYenShort(lang: Lang, n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '';
  const abs = Math.abs(n);
  if (lang === 'ja') {
    if (abs < 10_000) return formatYen(n, lang);
    // Compact notation groups only from five digits on (1235万円); 'always' keeps 1,235万円. An engine
    // without string useGrouping reads it as true, which is the same.
    return nf(lang, { ...YEN.ja, notation: 'compact', useGrouping: ALWAYS_GROUP, maximumFractionDigits: abs >= 100_000_000 ? 1 : 0 }).format(n);
  }
  if (abs < 1_000_000) return formatYen(n, lang);
  return nf(lang, { ...YEN.en, notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** A count or plain number with 3桁区切り: `1,234,567`; up to `fraction` decimals (0 for counts). */
export function formatNumber(n: number | null | undefined, lang: Lang = 'ja', fraction = 0): string {
  if (n == null || !Number.isFinite(n)) return '';
  return nf(lang, { maximumFractionDigits: fraction }).format(n);
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/** A size in bytes (binary steps): `512 bytes` / `512 バイト`, `2 KB`, `3 MB`, `1.5 GB`. */
export function formatSize(bytes: number, lang: Lang = 'ja'): string {
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < BYTE_UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  // The short byte unit is "byte" in both languages (`512 byte`); the long one reads naturally: 512 bytes, 512 バイト.
  const opts: Intl.NumberFormatOptions =
    i === 0
      ? { style: 'unit', unit: 'byte', unitDisplay: 'long', maximumFractionDigits: 0 }
      : { style: 'unit', unit: BYTE_UNITS[i], unitDisplay: 'short', maximumFractionDigits: i >= 2 ? 1 : 0 };
  return nf(lang, opts).format(n);
}

/** The formatters bound to the user's language and 和暦 setting. */
export function useFormat() {
  const { lang, wareki } = useContext(PrefsContext);
  return {
    date: (iso: string | null | undefined) => formatDate(iso, wareki, lang),
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, wareki, lang),
    timestamp: (ms: number | null | undefined) => formatTimestamp(ms, wareki, lang),
    yen: (n: number | null | undefined) => formatYen(n, lang),
    yenShort: (n: number | null | undefined) => formatYenShort(lang, n),
    num: (n: number | null | undefined, fraction = 0) => formatNumber(n, lang, fraction),
    size: (bytes: number) => formatSize(bytes, lang),
  };
}
