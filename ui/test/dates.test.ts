import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDate, formatDateTime, formatTimestamp, localDateTime, toWareki } from '../src/dates';

describe('和暦', () => {
  const cases: [string, string | null][] = [
    ['2019-05-01', '令和元年5月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['2020-01-01', '令和2年1月1日'],
    ['2024-12-31', '令和6年12月31日'],
    ['1989-01-08', '平成元年1月8日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1926-12-25', '昭和元年12月25日'],
    ['1926-12-24', '大正15年12月24日'],
    ['1912-07-30', '大正元年7月30日'],
    ['1912-07-29', '明治45年7月29日'],
    ['1900-01-01', '明治33年1月1日'],
    ['1868-10-23', '明治元年10月23日'],
    // Before 明治 ICU would name 慶応 with Gregorian days, which no one wrote: none.
    ['1868-10-22', null],
    ['1800-01-01', null],
    ['not a date', null],
    ['2024-02-30', null],
  ];
  it.each(cases)('%s → %s', (iso, expected) => {
    expect(toWareki(iso)).toBe(expected);
  });
  it('reads only the date of a date-time', () => {
    expect(toWareki('2019-04-30T23:59')).toBe('平成31年4月30日');
    expect(toWareki('2019-05-01T00:00')).toBe('令和元年5月1日');
  });
});

describe('formatting', () => {
  it('shows yyyy/mm/dd in Japanese, "May 1, 2024" in English, or 和暦 when asked', () => {
    expect(formatDate('2024-04-01')).toBe('2024/04/01');
    expect(formatDate('2024-05-01', false, 'ja')).toBe('2024/05/01');
    expect(formatDate('2024-05-01', false, 'en')).toBe('May 1, 2024');
    expect(formatDate('2024-12-31', false, 'en')).toBe('Dec 31, 2024');
    expect(formatDate('2024-04-01', true)).toBe('令和6年4月1日');
    expect(formatDate('1989-01-07', true, 'ja')).toBe('昭和64年1月7日');
    expect(formatDate('2019-05-01', true, 'en')).toMatch(/^May 1, 1 Reiwa$/);
    expect(formatDate('2019-04-30', true, 'en')).toMatch(/Heisei/);
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined, true, 'en')).toBe('');
  });
  it('keeps what it cannot read as it is, and pre-明治 dates in the plain calendar', () => {
    expect(formatDate('someday')).toBe('someday');
    expect(formatDate('2024-02-30')).toBe('2024-02-30');
    expect(formatDate('1850-03-04', true)).toBe('1850/03/04');
  });
  it('shows date-times with their wall-clock time, never shifted by time zone', () => {
    expect(formatDateTime('2024-04-01T09:05')).toBe('2024/04/01 09:05');
    expect(formatDateTime('2019-05-01T10:00', true)).toBe('令和元年5月1日 10:00');
    expect(formatDateTime('2024-04-01')).toBe('2024/04/01');
    // Late at night and at midnight: a shift through UTC or the machine's zone would change the day.
    expect(formatDateTime('2024-12-31T23:59', false, 'ja')).toBe('2024/12/31 23:59');
    expect(formatDateTime('2025-01-01T00:00', false, 'ja')).toBe('2025/01/01 00:00');
    expect(formatDateTime('2024-05-01T14:30', false, 'en')).toBe('May 1, 2024 14:30');
    expect(formatDateTime('2019-04-30T23:30', true, 'ja')).toBe('平成31年4月30日 23:30');
  });
  it('shows timestamps in the machine’s local time', () => {
    const at = new Date(2024, 4, 1, 8, 7).getTime();
    expect(localDateTime(new Date(at))).toBe('2024-05-01T08:07');
    expect(formatTimestamp(at)).toBe('2024/05/01 08:07');
    expect(formatTimestamp(at, true, 'ja')).toBe('令和6年5月1日 08:07');
    expect(formatTimestamp(at, false, 'en')).toBe('May 1, 2024 08:07');
    expect(formatTimestamp(null)).toBe('');
  });
  it('does day arithmetic across months and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-01-01', '2024-03-01')).toBe(60);
    expect(daysBetween('2024-03-01', '2024-01-01')).toBe(-60);
  });
});
