// The UI's words in each language where they are made from values: an
// import warning's detail, the prefecture choices, and texts with a value
// or a code in them (the value stays as it is, marked translate="no").

import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { WithCodes, WithValues } from '../src/components/WithCodes';
import { prefectureLabel } from '../src/components/fields';
import { detailText, fieldErrorText } from '../src/errors';

describe('the detail of an import warning', () => {
  const cases: [string, string, string][] = [
    ['phone_annotation', '代表番号', 'main number'],
    ['phone_annotation', '内線 123', 'ext. 123'],
    ['phone_annotation', '代表番号・内線 5', 'main number, ext. 5'],
    ['phone_annotation', '直通', 'direct line'],
    ['phone_second_number', '06-6123-4568 → メモ', '06-6123-4568 → Notes'],
    ['phone_second_number', '090-1111-2222 → 携帯電話', '090-1111-2222 → Mobile'],
    ['undecodable_text', 'NOTE', 'NOTE'],
  ];
  it.each(cases)('%s %s', (code, detail, en) => {
    expect(detailText(code, detail, 'ja')).toBe(detail);
    expect(detailText(code, detail, 'en')).toBe(en);
  });

  it('rides on the message in each language', () => {
    const w = { code: 'phone_annotation', message: 'phone: read as …', detail: '内線 123' };
    expect(fieldErrorText(w, 'ja')).toBe('電話番号の注記を読み取りました：内線 123');
    expect(fieldErrorText(w, 'en')).toBe('Phone annotation recognised: ext. 123');
  });
});

describe('prefectures', () => {
  it('are stored in Japanese and chosen by their English names in English', () => {
    expect(prefectureLabel('東京都', 'ja')).toBe('東京都');
    expect(prefectureLabel('東京都', 'en')).toBe('Tokyo');
    expect(prefectureLabel('北海道', 'en')).toBe('Hokkaido');
    expect(prefectureLabel('沖縄県', 'en')).toBe('Okinawa');
    expect(prefectureLabel('大阪府', 'en')).toBe('Osaka');
    expect(prefectureLabel('どこか', 'en')).toBe('どこか');
  });
});

describe('texts with values and codes', () => {
  it('puts a value in its slot, marked as not to translate', () => {
    const { container } = render(<WithValues template="Also creates company “{name}”" values={{ name: '株式会社みどり製作所' }} />);
    expect(container.textContent).toBe('Also creates company “株式会社みどり製作所”');
    expect(container.querySelector('[translate=no]')?.textContent).toBe('株式会社みどり製作所');
  });

  it('shows what is between backquotes as code', () => {
    const { container } = render(<WithCodes text="保存先フォルダ(空欄: データベースと同じ場所の `backups`)" />);
    expect(container.textContent).toBe('保存先フォルダ(空欄: データベースと同じ場所の backups)');
    expect([...container.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['backups']);
  });
});
