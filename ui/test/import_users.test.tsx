// Issue 20 item 6 in the wizard: the guessed kind is shown first and can be
// changed there; rows naming users who do not exist offer to create them.

import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportOptions } from '../src/bindings/ImportOptions';
import type { ImportPreview } from '../src/bindings/ImportPreview';
import type { JobStatus } from '../src/bindings/JobStatus';
import { ImportScreen } from '../src/screens/Import';
import * as tr from '../src/transfer';

vi.mock('../src/transfer', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/transfer')>();
  return { ...real, previewStart: vi.fn(), importStart: vi.fn(), importProgress: vi.fn(), importCancel: vi.fn() };
});
const mocked = vi.mocked(tr);

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const mapping = [
  { column: 0, header: '会社名', target: 'name' },
  { column: 1, header: '担当営業', target: 'owner_id' },
];

/** The preview the core answers: without the option, the rows naming 山田 太郎 are errors. */
function preview(options: ImportOptions): ImportPreview {
  const create = options.create_missing_users;
  const unknown = { code: 'unknown_user', field: 'owner_id', message: 'Owner: no user is named 山田 太郎', detail: '山田 太郎' };
  return {
    kind: options.kind ?? 'deal',
    kind_guessed: options.kind === undefined,
    format: 'csv',
    encoding: 'utf8',
    delimiter: ',',
    sheets: [],
    sheet: null,
    header_row: 1,
    headers: mapping.map((c) => c.header),
    mapping,
    mapping_source: 'guessed',
    fingerprint: 'fp',
    targets: [],
    notices: [],
    summary: { rows: 3, create: create ? 3 : 1, update: 0, skip: 0, error: create ? 0 : 2, warning: 0, duplicate_in_file: 0, duplicate_in_database: 0, new_companies: 0, new_users: 2 },
    rows: [2, 3, 4].map((row) => ({
      row,
      action: create || row === 4 ? 'create' : 'error',
      target_id: null,
      same_as_row: null,
      matched_by: null,
      display_name: `会社${row}`,
      fields: {},
      new_company: null,
      errors: create || row === 4 ? [] : [unknown],
      warnings: [],
    })),
    rows_truncated: false,
    error_csv: null,
    missing_users: [
      { name: '山田 太郎', rows: 2 },
      { name: '佐藤 花子', rows: 1 },
    ],
  };
}

function job(over: Partial<JobStatus>): JobStatus {
  return { id: 'j', state: 'done', phase: null, done: 0, total: 0, cancel_requested: false, dry_run: true, report: null, preview: null, error: null, ...over };
}

describe('import wizard: kind and missing users', () => {
  it('shows the guessed kind prominently, lets it be changed, and offers to create the missing users', async () => {
    let n = 0;
    mocked.previewStart.mockImplementation(async (_file, options) => job({ id: `p${++n}`, preview: preview(options) }));
    mocked.importCancel.mockImplementation(async (id) => job({ id }));
    render(<ImportScreen />);
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File(['x'], 'deals.csv')] } });
    await screen.findByTestId('import-summary');

    // The kind comes first, marked as a guess.
    const guess = screen.getByTestId('import-kind-guess');
    expect(guess.getAttribute('data-kind')).toBe('deal');
    expect(guess.textContent).toMatch(/^この表は『.+』として読み込みます\(推定\)/);
    expect(mocked.previewStart.mock.calls[0][1]).toMatchObject({ create_missing_users: false });
    expect(mocked.previewStart.mock.calls[0][1].kind).toBeUndefined();

    // Two people are not users: the rows are errors, and the box offers to create them.
    const box = screen.getByTestId('import-create-users') as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByTestId('import-missing-users').textContent).toContain('存在しない担当者 2 名をユーザーとして作成する');
    expect(screen.getByTestId('import-missing-user-list').textContent).toBe('山田 太郎(2 行)佐藤 花子(1 行)');
    expect(screen.getByTestId('imp-count-error').textContent).toContain('2');
    expect((screen.getByTestId('import-run') as HTMLButtonElement).disabled).toBe(true);

    // Ticking it checks again with the option: the rows are no longer errors.
    fireEvent.click(box);
    await waitFor(() => expect(mocked.previewStart).toHaveBeenCalledTimes(2));
    expect(mocked.previewStart.mock.calls[1][1]).toMatchObject({ create_missing_users: true });
    await waitFor(() => expect(screen.getByTestId('imp-count-error').textContent).toContain('0'));
    expect((screen.getByTestId('import-run') as HTMLButtonElement).disabled).toBe(false);

    // The import carries the option.
    mocked.importStart.mockResolvedValue(job({ id: 'i', dry_run: false, state: 'running' }));
    mocked.importProgress.mockImplementation(async () => job({ id: 'i', dry_run: false }));
    fireEvent.click(screen.getByTestId('import-run'));
    await waitFor(() => expect(mocked.importStart).toHaveBeenCalled());
    expect(mocked.importStart.mock.calls[0][1]).toMatchObject({ kind: 'deal', create_missing_users: true });

    // The guess is changed where it is shown.
    fireEvent.change(screen.getByTestId('import-kind-change'), { target: { value: 'purchase' } });
    await waitFor(() => expect(mocked.previewStart).toHaveBeenCalledTimes(3));
    expect(mocked.previewStart.mock.calls[2][1].kind).toBe('purchase');
    await waitFor(() => expect(screen.getByTestId('import-kind-guess').getAttribute('data-guessed')).toBe('false'));
    expect(screen.getByTestId('import-kind-guess').textContent).not.toContain('推定');
  });
});
