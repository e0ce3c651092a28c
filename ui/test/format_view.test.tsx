// Record values (lists, record pages, merge and sync views all show them through
// FieldValue) follow the language and the 和暦 setting.

import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldDef } from '../src/bindings/FieldDef';
import { FieldValue } from '../src/components/RecordView';
import { PrefsContext, type Lang } from '../src/i18n';

afterEach(cleanup);

const base = { required: false, unique: false, label_ja: '', label_en: '', section: 'basic' };
const DEFS: Record<string, FieldDef> = {
  date: { ...base, name: 'expected_close', type: 'date' },
  date_time: { ...base, name: 'occurred_at', type: 'date_time' },
  money: { ...base, name: 'amount', type: 'money' },
  int: { ...base, name: 'employees', type: 'int', min: 0, max: 10_000_000 },
  decimal: { ...base, name: 'ratio', type: 'decimal', min: 0, max: 1_000_000 },
  json: { ...base, name: 'department_sales', type: 'json' },
};

function shown(def: FieldDef, value: unknown, lang: Lang, wareki: boolean): string {
  const { container } = render(
    <PrefsContext.Provider value={{ lang, wareki, setPrefs: () => {} }}>
      <FieldValue def={def} value={value} />
    </PrefsContext.Provider>,
  );
  const text = container.textContent ?? '';
  cleanup();
  return text;
}

describe('FieldValue', () => {
  it('shows dates by language, and 和暦 when the user turned it on', () => {
    expect(shown(DEFS.date, '2019-05-01', 'ja', false)).toBe('2019/05/01');
    expect(shown(DEFS.date, '2019-05-01', 'ja', true)).toBe('令和元年5月1日');
    expect(shown(DEFS.date, '2019-05-01', 'en', false)).toBe('May 1, 2019');
    expect(shown(DEFS.date_time, '1989-01-07T18:30', 'ja', true)).toBe('昭和64年1月7日 18:30');
    expect(shown(DEFS.date_time, '2024-04-01T09:05', 'en', false)).toBe('Apr 1, 2024 09:05');
  });
  it('shows money in 円 (ja) or ¥ (en), and numbers with 3桁区切り', () => {
    expect(shown(DEFS.money, 1_200_000, 'ja', false)).toBe('1,200,000円');
    expect(shown(DEFS.money, 1_200_000, 'en', false)).toBe('¥1,200,000');
    expect(shown(DEFS.int, 12_345, 'en', false)).toBe('12,345');
    expect(shown(DEFS.decimal, 1234.567, 'ja', false)).toBe('1,234.57');
    expect(shown(DEFS.json, [{ department: '複合機', amount: 35_000_000 }], 'ja', false)).toBe('複合機 — 35,000,000円');
  });
});
