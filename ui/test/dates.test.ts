import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDate, formatDateTime, toWareki } from '../src/dates';

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
    ['1900-01-01', '明治33年1月1日'],
    ['1800-01-01', null],
    ['not a date', null],
  ];
  it.each(cases)('%s → %s', (iso, expected) => {
    expect(toWareki(iso)).toBe(expected);
  });
});

describe('formatting', () => {
  it('shows yyyy/mm/dd, or 和暦 when asked', () => {
    expect(formatDate('2024-04-01')).toBe('2024/04/01');
    expect(formatDate('2024-04-01', true)).toBe('令和6年4月1日');
    expect(formatDate(null)).toBe('');
  });
  it('shows date-times with their time', () => {
    expect(formatDateTime('2024-04-01T09:05')).toBe('2024/04/01 09:05');
    expect(formatDateTime('2019-05-01T10:00', true)).toBe('令和元年5月1日 10:00');
    expect(formatDateTime('2024-04-01')).toBe('2024/04/01');
  });
  it('does day arithmetic across months and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-01-01', '2024-03-01')).toBe(60);
    expect(daysBetween('2024-03-01', '2024-01-01')).toBe(-60);
  });
});
