import { describe, expect, it } from 'vitest';
import { exportWarningText } from '../src/transfer';
import type { ExportWarning } from '../src/bindings/ExportWarning';

// Warnings of an export (issue 20): the core sends a code, where (row,
// record, column) and a detail; the dialog shows one line per warning in
// the user's language, never the core's English message.
describe('export warnings', () => {
  const sjis: ExportWarning = {
    code: 'unencodable_chars',
    message: 'row 3 (𠮷田 一郎), 氏名: Shift_JIS cannot hold 𠮷 (U+20BB7) (written as 〓); export as UTF-8 to keep them',
    row: 3,
    record: '𠮷田 一郎',
    field: '氏名',
    detail: '𠮷',
  };
  const cut: ExportWarning = {
    code: 'cell_truncated',
    message: 'row 2 (株式会社 長文商事), メモ: 40000 characters are more than an Excel cell holds',
    row: 2,
    record: '株式会社 長文商事',
    field: 'メモ',
    detail: '40000',
  };
  it('names the row, the record and the column, then what happened, in Japanese', () => {
    expect(exportWarningText(sjis, 'ja')).toBe(
      '3行目・𠮷田 一郎・氏名：Shift_JISにない文字を〓にしました(UTF-8で書き出せばそのまま残ります)。該当する文字：𠮷',
    );
    expect(exportWarningText(cut, 'ja')).toBe(
      '2行目・株式会社 長文商事・メモ：Excelの1つのセルに入りきらない長さのため、末尾を省略しました(全文はCSVで書き出せます)。元の文字数：40000',
    );
  });
  it('and in English', () => {
    expect(exportWarningText(sjis, 'en')).toBe(
      'row 3, 𠮷田 一郎, 氏名: Characters Shift_JIS cannot hold were written as 〓 (export as UTF-8 to keep them). Characters: 𠮷',
    );
  });
  it('a warning about no cell is the message alone', () => {
    expect(exportWarningText({ code: 'more_warnings', message: 'and 12 more warnings', detail: '12' }, 'ja')).toBe(
      'ほかにも同じような注意があります。件数：12',
    );
    // An unknown code falls back to the core's English message.
    expect(exportWarningText({ code: 'something_new', message: 'Something new' }, 'ja')).toBe('Something new');
  });
});
