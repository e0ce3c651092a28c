// Issue 17: a write refused with `busy` while an import writes says it was
// not saved, and the form keeps what was typed for the second try.
// While a restore replaces the database the host answers every
// other command with `restoring`; the app shows 復元中… over everything
// until the restore ends — its own restore until it answers, one it did not
// start (a reload during a restore) until a poll gets an answer again, and
// then it opens again on the restored data.

import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../src/api';
import type { FieldDef } from '../src/bindings/FieldDef';
import { RecordForm } from '../src/components/RecordForm';
import { RestoringOverlay } from '../src/components/RestoringOverlay';
import { PrefsContext, type Lang } from '../src/i18n';

const restoringBody = { code: 'restoring', message: 'Restoring from a backup; wait until it finishes', details: [] };
let restoringNow: boolean;
let sent: string[];
let finishRestore: (() => void) | null;

function answer(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status });
}

beforeEach(() => {
  sent = [];
  restoringNow = false;
  finishRestore = null;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: { body: string }) => {
      const cmd = JSON.parse(init.body) as { cmd: string };
      sent.push(cmd.cmd);
      if (cmd.cmd === 'restore_backup') {
        restoringNow = true;
        await new Promise<void>((resolve) => (finishRestore = resolve));
        restoringNow = false;
        return answer({ type: 'restored', data: { restored: '/b.db', previous: { path: '/p.db', bytes: 1 }, from_schema: 14, schema: 14 } });
      }
      if (restoringNow) return answer(restoringBody, 409);
      if (cmd.cmd === 'get_settings') return answer({ type: 'settings', data: { device_id: 'd', current_user_id: null, schema_version: 14 } });
      return answer({ type: 'page', data: { items: [], total: 0 } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const advance = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));

function mount(lang: Lang, onRestored: () => void) {
  render(
    <PrefsContext.Provider value={{ lang, wareki: false, setPrefs: () => {} }}>
      <RestoringOverlay onRestored={onRestored} />
    </PrefsContext.Provider>,
  );
}

async function listFails(): Promise<string> {
  let code = '';
  await act(async () => {
    await api.call({ cmd: 'list', kind: 'company', query: { filters: [], no_total: false } }).catch((e) => (code = api.toApiError(e).code));
  });
  return code;
}

describe('restoring overlay', () => {
  it('a restore this window did not start: 復元中… from the first `restoring` answer until a poll answers, then the app opens again', async () => {
    const onRestored = vi.fn();
    mount('ja', onRestored);
    expect(screen.queryByTestId('restoring')).toBeNull();
    restoringNow = true;
    expect(await listFails()).toBe('restoring');
    expect(screen.getByTestId('restoring').textContent).toContain('復元中…');
    expect(screen.getByTestId('restoring').textContent).toContain('終わるまでお待ちください');
    // Still restoring at the first poll.
    await advance(api.RESTORE_POLL_MS);
    expect(sent.filter((c) => c === 'get_settings')).toHaveLength(1);
    expect(screen.getByTestId('restoring')).toBeTruthy();
    expect(onRestored).not.toHaveBeenCalled();
    // It ends; the next poll gets an answer.
    restoringNow = false;
    await advance(api.RESTORE_POLL_MS);
    expect(sent.filter((c) => c === 'get_settings')).toHaveLength(2);
    expect(screen.queryByTestId('restoring')).toBeNull();
    expect(onRestored).toHaveBeenCalledTimes(1);
    // No more polling.
    await advance(api.RESTORE_POLL_MS * 3);
    expect(sent.filter((c) => c === 'get_settings')).toHaveLength(2);
  });

  it("this window's own restore: 復元中… (in English: Restoring…) until it answers", async () => {
    const onRestored = vi.fn();
    mount('en', onRestored);
    let done = false;
    await act(async () => {
      void api.call({ cmd: 'restore_backup', path: '/b.db', confirm: true }).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByTestId('restoring').textContent).toContain('Restoring…');
    // Other commands meanwhile answer `restoring`; the overlay stays the restore's own.
    expect(await listFails()).toBe('restoring');
    await advance(api.RESTORE_POLL_MS * 2);
    expect(sent).not.toContain('get_settings');
    expect(screen.getByTestId('restoring')).toBeTruthy();
    await act(async () => {
      finishRestore!();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(done).toBe(true);
    expect(screen.queryByTestId('restoring')).toBeNull();
    // BackupSection reloads after its own restore; the overlay does not.
    expect(onRestored).not.toHaveBeenCalled();
  });
});

describe('a write refused while an import writes', () => {
  it('says it was not saved, keeps what was typed, and saves on the second try', async () => {
    vi.useRealTimers();
    const defs: FieldDef[] = [
      { required: true, unique: false, section: 'basic', name: 'name', type: 'text', label_ja: '会社名', label_en: 'Company name' },
      { required: false, unique: false, section: 'basic', name: 'phone', type: 'phone', label_ja: '電話番号', label_en: 'Phone' },
    ];
    const busy = { code: 'busy', message: 'Not saved: an import or a sync is writing to the database.', details: [] };
    const save = vi.fn(async (_d: Record<string, unknown>) => {
      if (save.mock.calls.length === 1) throw busy;
    });
    render(
      <PrefsContext.Provider value={{ lang: 'ja', wareki: false, setPrefs: () => {} }}>
        <RecordForm defs={defs} initial={{}} save={save} omitBlank />
      </PrefsContext.Provider>,
    );
    fireEvent.change(screen.getByTestId('field-name'), { target: { value: '株式会社 取込中商事' } });
    fireEvent.change(screen.getByTestId('field-phone'), { target: { value: '052-123-4567（代）' } });
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(screen.getByTestId('form-error').textContent).toContain('保存されませんでした'));
    expect(screen.getByTestId('form-error').textContent).toContain('少し待ってからもう一度保存してください');
    expect((screen.getByTestId('field-name') as HTMLInputElement).value).toBe('株式会社 取込中商事');
    expect((screen.getByTestId('field-phone') as HTMLInputElement).value).toBe('052-123-4567（代）');
    fireEvent.click(screen.getByTestId('form-save'));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(2));
    expect(save.mock.calls[1][0]).toEqual({ name: '株式会社 取込中商事', phone: '052-123-4567（代）' });
  });
});
