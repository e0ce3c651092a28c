import { describe, expect, it } from 'vitest';
import { formatNumber, formatSize, formatYen, formatYenShort } from '../src/format';

describe('money', () => {
  it('writes 円 after the number in Japanese and ¥ before it in English', () => {
    expect(formatYen(1_200_000, 'ja')).toBe('1,200,000円');
    expect(formatYen(1_200_000)).toBe('1,200,000円');
    expect(formatYen(1_200_000, 'en')).toBe('¥1,200,000');
    expect(formatYen(0, 'ja')).toBe('0円');
    expect(formatYen(-35_000, 'ja')).toBe('-35,000円');
    expect(formatYen(-35_000, 'en')).toBe('-¥35,000');
    // Yen has no fractional unit: rounded.
    expect(formatYen(1234.6, 'ja')).toBe('1,235円');
    expect(formatYen(null, 'ja')).toBe('');
    expect(formatYen(Number.NaN, 'en')).toBe('');
  });
  it('shortens board totals to 万円 and 億円, or ¥…M', () => {
    expect(formatYenShort('ja', 1_800_000)).toBe('180万円');
    expect(formatYenShort('ja', 12_345_678)).toBe('1,235万円');
    expect(formatYenShort('ja', 123_456_789)).toBe('1.2億円');
    expect(formatYenShort('ja', 5_000)).toBe('5,000円');
    expect(formatYenShort('ja', -2_500_000)).toBe('-250万円');
    expect(formatYenShort('en', 1_800_000)).toBe('¥1.8M');
    expect(formatYenShort('en', 950_000)).toBe('¥950,000');
    expect(formatYenShort('en', undefined)).toBe('');
  });
});

describe('counts', () => {
  it('groups digits by three in both languages', () => {
    expect(formatNumber(1_234_567, 'ja')).toBe('1,234,567');
    expect(formatNumber(1_234_567, 'en')).toBe('1,234,567');
    expect(formatNumber(999, 'ja')).toBe('999');
    expect(formatNumber(0, 'en')).toBe('0');
    expect(formatNumber(1234.5678, 'ja', 2)).toBe('1,234.57');
    expect(formatNumber(1234.5678, 'ja')).toBe('1,235');
    expect(formatNumber(null)).toBe('');
  });
});

describe('file sizes', () => {
  it('uses Intl’s byte units, with bytes read naturally', () => {
    expect(formatSize(512, 'en')).toBe('512 bytes');
    expect(formatSize(1, 'en')).toBe('1 byte');
    expect(formatSize(0, 'en')).toBe('0 bytes');
    expect(formatSize(512, 'ja')).toBe('512 バイト');
    expect(formatSize(2048, 'ja')).toBe('2 KB');
    expect(formatSize(2048, 'en')).toMatch(/^2 kB$/);
    expect(formatSize(340 * 1024 + 300, 'ja')).toBe('340 KB');
    expect(formatSize(3 * 1024 * 1024, 'ja')).toBe('3 MB');
    expect(formatSize(5 * 1024 * 1024 + 300 * 1024, 'en')).toBe('5.3 MB');
    expect(formatSize(1.5 * 1024 ** 3, 'ja')).toBe('1.5 GB');
    expect(formatSize(2048 * 1024 ** 3, 'en')).toBe('2,048 GB');
  });
});
