// Issue 6 in the UI: the mapping editor's logic, the import gate, file
// helpers, and the wizard re-previewing with the edited mapping.

import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportPreview } from '../src/bindings/ImportPreview';
import type { JobStatus } from '../src/bindings/JobStatus';
import { ImportScreen } from '../src/screens/Import';
import * as tr from '../src/transfer';

vi.mock('../src/transfer', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/transfer')>();
  const mocks = { previewStart: vi.fn(), importStart: vi.fn(), importProgress: vi.fn(), importCancel: vi.fn() };
  // In a browser (no host events) the next status is a poll after the wait: the mocked poll.
  const nextProgress = async (job: string, ms: number) => {
    await new Promise((r) => setTimeout(r, ms));
    return mocks.importProgress(job);
  };
  return { ...real, ...mocks, nextProgress };
});
const mocked = vi.mocked(tr);

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const mapping = [
  { column: 0, header: '社名', target: 'name' },
  { column: 1, header: 'TEL', target: 'phone' },
  { column: 2, header: '備考欄', target: null },
];
const targets = [
  { target: 'name', label_ja: '会社名', label_en: 'Name' },
  { target: 'phone', label_ja: '電話番号', label_en: 'Phone' },
  { target: 'memo', label_ja: 'メモ', label_en: 'Memo' },
];

describe('mapping editor logic', () => {
  it('assigns a target and takes it away from the column that had it', () => {
    const m = tr.assignTarget(mapping, 2, 'phone');
    expect(m.map((c) => c.target)).toEqual(['name', null, 'phone']);
    // The input is not changed.
    expect(mapping[1].target).toBe('phone');
  });

  it('ignoring a column leaves the others alone', () => {
    expect(tr.assignTarget(mapping, 0, null).map((c) => c.target)).toEqual([null, 'phone', null]);
    expect(tr.assignTarget(mapping, 0, '').map((c) => c.target)).toEqual([null, 'phone', null]);
  });

  it('compares mappings by what each column fills', () => {
    expect(tr.sameMapping(mapping, [...mapping].reverse())).toBe(true);
    expect(tr.sameMapping(mapping, tr.assignTarget(mapping, 2, 'memo'))).toBe(false);
    expect(tr.sameMapping(mapping, mapping.slice(1))).toBe(false);
  });

  it('marks options already used by another column', () => {
    const opts = tr.targetOptions(targets, mapping, 2, 'ja');
    expect(opts.map((o) => [o.value, o.label, o.usedBy])).toEqual([
      ['name', '会社名', '社名'],
      ['phone', '電話番号', 'TEL'],
      ['memo', 'メモ', null],
    ]);
    // A column's own target is not "used by another".
    expect(tr.targetOptions(targets, mapping, 0, 'en')[0]).toEqual({ value: 'name', label: 'Name', usedBy: null });
    expect(tr.targetLabel(targets, 'memo', 'en')).toBe('Memo');
    expect(tr.targetLabel(targets, 'unknown_x', 'ja')).toBe('unknown_x');
    expect(tr.targetLabel(targets, null, 'ja')).toBe('');
  });
});

function preview(over: Partial<ImportPreview['summary']> = {}, extra: Partial<ImportPreview> = {}): ImportPreview {
  return {
    kind: 'company',
    format: 'csv',
    encoding: 'shift_jis',
    delimiter: ',',
    sheets: [],
    sheet: null,
    header_row: 1,
    headers: mapping.map((c) => c.header),
    mapping,
    mapping_source: 'guessed',
    fingerprint: 'fp',
    targets,
    notices: [],
    summary: { rows: 3, create: 2, update: 0, skip: 0, error: 1, warning: 0, duplicate_in_file: 0, duplicate_in_database: 0, new_companies: 0, new_users: 0, ...over },
    rows: [
      { row: 2, action: 'create', target_id: null, same_as_row: null, matched_by: null, display_name: '大福商事', fields: {}, new_company: null, errors: [], warnings: [] },
      {
        row: 4,
        action: 'error',
        target_id: null,
        same_as_row: null,
        matched_by: null,
        display_name: '不正商会',
        fields: {},
        new_company: null,
        errors: [{ code: 'invalid_email', field: 'email', message: 'bad' }],
        warnings: [],
      },
    ],
    rows_truncated: false,
    error_csv: { name: 'import-errors.csv', base64: btoa('x') },
    kind_guessed: false,
    missing_users: [],
    ...extra,
  };
}

describe('import gate and helpers', () => {
  it('needs the user to accept leaving out rows in error', () => {
    expect(tr.canImport(null, true)).toBe(false);
    expect(tr.canImport(preview(), false)).toBe(false);
    expect(tr.canImport(preview(), true)).toBe(true);
    expect(tr.canImport(preview({ error: 0 }), false)).toBe(true);
    // Nothing to write: nothing to import.
    expect(tr.canImport(preview({ create: 0, error: 0 }), true)).toBe(false);
  });

  it('computes the progress percentage', () => {
    expect(tr.percent(null)).toBe(0);
    expect(tr.percent({ done: 0, total: 0 })).toBe(0);
    expect(tr.percent({ done: 250, total: 1000 })).toBe(25);
    expect(tr.percent({ done: 1000, total: 1000 })).toBe(100);
  });

  it('round-trips bytes through base64', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x82, 0xa0, 0x00, 0xff]);
    const b64 = await tr.fileToBase64(new Blob([bytes]));
    expect(b64).toBe('77u/gqAA/w==');
    expect([...tr.base64ToBytes(b64)]).toEqual([...bytes]);
  });

  it('names a manual backup after the folder and the time', () => {
    const at = new Date(2026, 3, 5, 9, 7);
    expect(tr.manualBackupPath('/data/backups/', at)).toBe('/data/backups/daifuku-20260405-0907.db');
    expect(tr.manualBackupPath('C:\\Users\\sato\\backups', at)).toBe('C:\\Users\\sato\\backups\\daifuku-20260405-0907.db');
    expect(tr.baseName('/a/b/c.db')).toBe('c.db');
  });

  it('maps export choices to the core options', () => {
    expect(tr.exportOptions('csv')).toEqual({ format: 'csv', encoding: 'utf8', headers: 'ja' });
    expect(tr.exportOptions('csv_sjis').encoding).toBe('shift_jis');
    expect(tr.exportOptions('vcf').format).toBe('vcf');
  });
});

function job(over: Partial<JobStatus>): JobStatus {
  return { id: 'import-1', state: 'running', phase: null, done: 0, total: 0, cancel_requested: false, dry_run: false, report: null, preview: null, error: null, ...over };
}

describe('import wizard', () => {
  it('previews a picked file, re-previews with an edited mapping and gates the import on errors', async () => {
    let n = 0;
    mocked.previewStart.mockImplementation(async (_file, options) =>
      job({
        id: `preview-${++n}`,
        state: 'done',
        dry_run: true,
        preview: preview({}, { mapping: options.mapping ?? mapping, mapping_source: options.mapping ? 'given' : 'guessed' }),
      }),
    );
    mocked.importCancel.mockImplementation(async (id) => job({ id, state: 'done' }));
    render(<ImportScreen initialKind="company" />);
    const input = screen.getByTestId('import-file') as HTMLInputElement;
    const file = new File([new Uint8Array([0x82, 0xa0])], 'list.csv', { type: 'text/csv' });
    fireEvent.change(input, { target: { files: [file] } });
    await screen.findByTestId('import-summary');
    expect(mocked.previewStart).toHaveBeenCalledTimes(1);
    const [source, options] = mocked.previewStart.mock.calls[0];
    expect(source).toEqual({ name: 'list.csv', base64: 'gqA=' });
    expect(options).toMatchObject({ kind: 'company', on_match: 'update' });
    expect(options.mapping).toBeUndefined();
    expect(screen.getByTestId('import-row-4').textContent).toContain('不正商会');
    expect(screen.getByTestId('import-error-csv')).toBeTruthy();

    // Map the third column to the phone: the phone column is let go, and the preview runs again.
    fireEvent.change(screen.getByTestId('import-map-2'), { target: { value: 'phone' } });
    await waitFor(() => expect(mocked.previewStart).toHaveBeenCalledTimes(2));
    const edited = mocked.previewStart.mock.calls[1][1].mapping!;
    expect(edited.map((c) => c.target)).toEqual(['name', null, 'phone']);
    await waitFor(() => expect(screen.getByTestId('import-mapping-source').textContent).toBe('手動で変更'));

    // One row in error: the import waits for "good rows only".
    const run = screen.getByTestId('import-run') as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('import-accept-errors'));
    expect(run.disabled).toBe(false);
    // The host's job: running at 250 of 1000 rows until cancelled.
    // Then building the index (thousandths), still cancellable.
    let cancelRequested = false;
    let indexing = false;
    const at = () =>
      indexing
        ? job({ phase: 'index', done: 450, total: 1000, cancel_requested: cancelRequested })
        : job({ phase: 'write', done: 250, total: 1000, cancel_requested: cancelRequested });
    mocked.importStart.mockResolvedValue(job({}));
    mocked.importProgress.mockImplementation(async () => at());
    mocked.importCancel.mockImplementation(async () => {
      cancelRequested = true;
      return at();
    });
    fireEvent.click(run);
    await waitFor(() => expect(mocked.importStart).toHaveBeenCalled());
    const [, startOptions, accept] = mocked.importStart.mock.calls[0];
    expect(accept).toBe(true);
    expect(startOptions.mapping!.map((c) => c.target)).toEqual(['name', null, 'phone']);
    await waitFor(() => expect(screen.getByTestId('import-progress-text').textContent).toContain('250 / 1000'));
    indexing = true;
    await waitFor(() => expect(screen.getByTestId('import-progress-text').textContent).toBe('検索と重複チェック用の索引を作成中 45%'));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('450');
    fireEvent.click(screen.getByTestId('import-cancel'));
    await waitFor(() => expect(mocked.importCancel).toHaveBeenCalledWith('import-1'));
    await waitFor(() => expect(screen.getByTestId('import-cancel').textContent).toBe('中止しています…'));
  });

  it('shows the progress of a long check and can cancel it', async () => {
    let cancelled = false;
    const at = () => job({ id: 'preview-1', dry_run: true, phase: 'plan', done: 500, total: 2000, state: cancelled ? 'cancelled' : 'running', cancel_requested: cancelled });
    mocked.previewStart.mockResolvedValue(job({ id: 'preview-1', dry_run: true }));
    mocked.importProgress.mockImplementation(async () => at());
    mocked.importCancel.mockImplementation(async () => {
      cancelled = true;
      return at();
    });
    render(<ImportScreen />);
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File(['a,b\n1,2\n'], 'big.csv')] } });
    await waitFor(() => expect(screen.getByTestId('check-progress-text').textContent).toBe('確認中 500 / 2000 行'));
    expect(screen.queryByTestId('import-summary')).toBeNull();
    fireEvent.click(screen.getByTestId('check-cancel'));
    await waitFor(() => expect(screen.getByTestId('check-progress-text').textContent).toBe('確認を中止しました。'));
    expect(mocked.importCancel).toHaveBeenCalledWith('preview-1');
    // Polling stopped with the cancelled job: it stays cancelled.
    await new Promise((r) => setTimeout(r, 400));
    expect(screen.getByTestId('check-progress-text').textContent).toBe('確認を中止しました。');
    expect(screen.queryByTestId('check-cancel')).toBeNull();
  });
});

describe('desktop saving', () => {
  it('puts exports beside the database', () => {
    expect(tr.exportsDirOf('/home/sato/.local/share/daifuku/daifuku.db')).toBe('/home/sato/.local/share/daifuku/exports');
    expect(tr.exportsDirOf('C:\\Users\\sato\\AppData\\daifuku\\daifuku.db')).toBe('C:\\Users\\sato\\AppData\\daifuku\\exports');
    expect(tr.exportsDirOf(null)).toBe('exports');
  });
});
