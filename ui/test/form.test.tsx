import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FieldDef } from '../src/bindings/FieldDef';
import { fromFormValues, parseNumber, toFormValues } from '../src/components/fields';
import { RecordForm } from '../src/components/RecordForm';
import { PrefsContext } from '../src/i18n';

afterEach(cleanup);

const base = { required: false, unique: false, section: 'basic' };
const DEFS: FieldDef[] = [
  { ...base, name: 'name', type: 'text', label_ja: '会社名', label_en: 'Company name', required: true },
  { ...base, name: 'email', type: 'email', label_ja: 'メール', label_en: 'E-mail', section: 'contact' },
  { ...base, name: 'corporate_number', type: 'corporate_number', label_ja: '法人番号', label_en: 'Corporate number' },
  { ...base, name: 'status', type: 'enum', values: ['prospect', 'customer', 'dormant', 'lost'], label_ja: 'ステータス', label_en: 'Status' },
  { ...base, name: 'employees', type: 'int', min: 0, max: 10_000_000, label_ja: '従業員数', label_en: 'Employees', section: 'organization' },
  { ...base, name: 'prefecture', type: 'prefecture', label_ja: '都道府県', label_en: 'Prefecture', section: 'contact' },
  { ...base, name: 'tags', type: 'tags', label_ja: 'タグ', label_en: 'Tags' },
  { ...base, name: 'founded', type: 'date', label_ja: '設立', label_en: 'Founded', section: 'organization' },
  { ...base, name: 'active', type: 'bool', label_ja: '取引中', label_en: 'Active' },
];

function renderForm(save: (d: Record<string, unknown>) => Promise<unknown>, lang: 'ja' | 'en' = 'ja', sectioned = false) {
  return render(
    <PrefsContext.Provider value={{ lang, wareki: false, setPrefs: () => {} }}>
      <RecordForm defs={DEFS} initial={{}} save={save} omitBlank sectioned={sectioned} />
    </PrefsContext.Provider>,
  );
}

function fieldOf(name: string): HTMLElement {
  return document.querySelector(`[data-field="${name}"]`) as HTMLElement;
}

describe('the generic record form', () => {
  it('renders one widget per FieldDef with the Japanese labels', () => {
    renderForm(async () => {});
    for (const label of ['会社名', 'メール', '法人番号', 'ステータス', '従業員数', '都道府県', 'タグ', '設立', '取引中']) {
      expect(screen.getByText(label)).toBeTruthy();
    }
    expect((screen.getByTestId('field-status') as HTMLSelectElement).tagName).toBe('SELECT');
    expect(screen.getByRole('option', { name: '見込み客' })).toBeTruthy();
    expect(screen.getByRole('option', { name: '東京都' })).toBeTruthy();
    expect((screen.getByTestId('field-founded') as HTMLInputElement).type).toBe('date');
    expect((screen.getByTestId('field-active') as HTMLInputElement).type).toBe('checkbox');
  });

  it('uses the English labels in English', () => {
    renderForm(async () => {}, 'en');
    expect(screen.getByText('Company name')).toBeTruthy();
    expect(screen.getByRole('option', { name: 'Prospect' })).toBeTruthy();
  });

  it('groups fields in sections', () => {
    renderForm(async () => {}, 'ja', true);
    const legends = [...document.querySelectorAll('legend')].map((l) => l.textContent);
    expect(legends).toEqual(['基本情報', '連絡先', '組織']);
  });

  it('shows the core’s field errors next to the fields and keeps what was typed', async () => {
    const save = vi.fn(async () => {
      throw {
        code: 'invalid_email',
        field: 'email',
        message: 'E-mail: "abc" is not an e-mail address (and 1 more)',
        details: [
          { code: 'invalid_email', field: 'email', message: 'E-mail: "abc" is not an e-mail address' },
          { code: 'invalid_corporate_number', field: 'corporate_number', message: 'check digit is wrong' },
        ],
      };
    });
    renderForm(save);
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: '山田商事株式会社' } });
    fireEvent.change(screen.getByTestId('field-email'), { target: { value: 'abc' } });
    fireEvent.change(screen.getByTestId('field-corporate_number'), { target: { value: '1234567890123' } });
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(screen.getByTestId('error-email')).toBeTruthy());
    expect(save).toHaveBeenCalledWith({ name: '山田商事株式会社', email: 'abc', corporate_number: '1234567890123', active: false });
    // The message sits inside the field's own block, under its input.
    expect(fieldOf('email').contains(screen.getByTestId('error-email'))).toBe(true);
    expect(screen.getByTestId('error-email').textContent).toBe('メールアドレスの形式が正しくありません');
    expect(fieldOf('corporate_number').contains(screen.getByTestId('error-corporate_number'))).toBe(true);
    expect(screen.queryByTestId('error-name')).toBeNull();
    // Nothing typed is lost.
    expect((screen.getByTestId('field-email') as HTMLInputElement).value).toBe('abc');
    expect((screen.getByTestId('field-name') as HTMLInputElement).value).toBe('山田商事株式会社');
    expect((screen.getByTestId('field-corporate_number') as HTMLInputElement).value).toBe('1234567890123');
    expect(screen.getByTestId('field-email').getAttribute('aria-invalid')).toBe('true');
    // Editing the field clears its error.
    fireEvent.change(screen.getByTestId('field-email'), { target: { value: 'abc@example.jp' } });
    expect(screen.queryByTestId('error-email')).toBeNull();
    expect(screen.getByTestId('error-corporate_number')).toBeTruthy();
  });

  it('shows an error without a field as a banner', async () => {
    renderForm(async () => {
      throw { code: 'stale', message: 'changed by someone', details: [] };
    });
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: 'X' } });
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(screen.getByTestId('form-error').textContent).toContain('再読み込み'));
  });

  it('refuses a number that is not one before asking the core', async () => {
    const save = vi.fn(async () => {});
    renderForm(save);
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: 'X' } });
    fireEvent.change(screen.getByTestId('field-employees'), { target: { value: '十人' } });
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(screen.getByTestId('error-employees').textContent).toBe('数値で入力してください'));
    expect(save).not.toHaveBeenCalled();
    expect((screen.getByTestId('field-employees') as HTMLInputElement).value).toBe('十人');
  });

  it('converts values on save (full-width digits, tags, blanks)', async () => {
    const save = vi.fn(async () => {});
    renderForm(save);
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: 'Ｘ社' } });
    fireEvent.change(screen.getByTestId('field-employees'), { target: { value: '１，２００' } });
    const tags = screen.getByTestId('field-tags');
    fireEvent.change(tags, { target: { value: '展示会' } });
    fireEvent.keyDown(tags, { key: 'Enter' });
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(save).toHaveBeenCalled());
    expect(save).toHaveBeenCalledWith({ name: 'Ｘ社', employees: 1200, tags: ['展示会'], active: false });
  });
});

describe('form value conversion', () => {
  it('parses numbers the way people type them', () => {
    expect(parseNumber('1,234')).toBe(1234);
    expect(parseNumber('１２３')).toBe(123);
    expect(parseNumber('¥5,000円')).toBe(5000);
    expect(parseNumber('－３')).toBe(-3);
    expect(parseNumber('12.5%')).toBe(12.5);
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('')).toBeNull();
  });

  it('round-trips stored values through the widgets', () => {
    const stored = { name: 'A', employees: 12, tags: ['x'], active: true, email: null };
    const v = toFormValues(DEFS, stored);
    expect(v.employees).toBe('12');
    expect(v.email).toBe('');
    const back = fromFormValues(DEFS, v);
    expect(back.errors).toEqual({});
    expect(back.data).toMatchObject({ name: 'A', employees: 12, tags: ['x'], active: true, email: null });
  });
});
