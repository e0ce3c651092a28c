import { describe, expect, it } from 'vitest';
import { errorMessage, fieldErrors } from '../src/errors';

describe('error code → message', () => {
  const cases: [string, string, string][] = [
    ['required', '必須項目です', 'This field is required'],
    ['invalid_email', 'メールアドレスの形式が正しくありません', 'Not a valid e-mail address'],
    ['invalid_corporate_number', '法人番号が正しくありません(13桁・チェックデジットを確認してください)', 'Not a valid corporate number (13 digits with a check digit)'],
    ['invalid_postal_code', '郵便番号は7桁で入力してください(例: 123-4567)', 'Enter a 7-digit postal code (e.g. 123-4567)'],
    ['invalid_phone', '電話番号の形式が正しくありません', 'Not a valid phone number'],
    ['invalid_date', '日付の形式が正しくありません(例: 2024/04/01)', 'Not a valid date (e.g. 2024-04-01)'],
    ['out_of_range', '範囲外の値です', 'The value is out of range'],
    ['negative_amount', '金額にマイナスは使えません', 'An amount cannot be negative'],
    ['duplicate_value', 'すでに登録されている値です', 'This value is already in use'],
    ['date_order', '日付の前後関係が正しくありません', 'The dates are in the wrong order'],
  ];
  it.each(cases)('%s', (code, ja, en) => {
    expect(errorMessage(code, 'ja')).toBe(ja);
    expect(errorMessage(code, 'en')).toBe(en);
  });

  it('stale tells the user to reload', () => {
    expect(errorMessage('stale', 'ja')).toContain('再読み込み');
  });

  it('falls back to the English message for unknown codes', () => {
    expect(errorMessage('brand_new_code', 'ja', 'Something new went wrong')).toBe('Something new went wrong');
    expect(errorMessage('brand_new_code', 'en')).toBe('brand_new_code');
  });

  it('collects every field error of a rejected write', () => {
    const e = {
      code: 'invalid_email',
      field: 'email',
      message: 'x (and 1 more)',
      details: [
        { code: 'invalid_email', field: 'email', message: 'x' },
        { code: 'invalid_postal_code', field: 'postal_code', message: 'y' },
      ],
    };
    expect(fieldErrors(e, 'ja')).toEqual({ email: 'メールアドレスの形式が正しくありません', postal_code: '郵便番号は7桁で入力してください(例: 123-4567)' });
  });

  it('uses field/code when there are no details', () => {
    expect(fieldErrors({ code: 'duplicate_value', field: 'code', message: 'm', details: [] }, 'en')).toEqual({ code: 'This value is already in use' });
  });
});
