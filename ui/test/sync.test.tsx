// Issue 5 in the UI: the sync provider syncs 5 s after a write and every 60 s
// while sync is set up (never when it is not), and the sidebar indicator
// tells the states apart; sync problems are put in words.

import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../src/api';
import { AppDataContext } from '../src/app/data';
import { SYNC_DEBOUNCE_MS, SYNC_EVERY_MS, SYNC_POLL_MS, SyncIndicator, SyncProvider, syncWords } from '../src/app/sync';
import type { SyncStatus } from '../src/bindings/SyncStatus';

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    device_id: 'dev1',
    device_name: 'PC',
    last_sync_at: null,
    last_report: null,
    pending_changes: 0,
    open_conflicts: 0,
    orphans: 0,
    devices: [],
    unreadable_files: [],
    setup: { folder: '/shared', encrypted: false },
    last_error: null,
    running: false,
    passphrase_in_file: false,
    ...over,
  };
}

let current: SyncStatus;
let sent: string[];

beforeEach(() => {
  sent = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: { body: string }) => {
      const cmd = JSON.parse(init.body) as { cmd: string };
      sent.push(cmd.cmd);
      let body: unknown;
      if (cmd.cmd === 'sync_status') body = { type: 'sync_status', data: current };
      else if (cmd.cmd === 'sync_now') {
        current = { ...current, last_sync_at: 1_790_000_000_000, pending_changes: 0 };
        body = { type: 'sync_status', data: current };
      } else body = { type: 'record', data: {} };
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const flush = () => act(async () => void (await vi.advanceTimersByTimeAsync(0)));
const advance = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));
const rounds = () => sent.filter((c) => c === 'sync_now').length;

/** `bump`: what the screens are told when data may be new. */
async function mount(bump: () => void = () => {}) {
  const data = { schema: new Map(), users: [], settings: null, reloadUsers: async () => {}, reloadSettings: async () => {}, revision: 0, bump };
  render(
    <AppDataContext.Provider value={data}>
      <SyncProvider>
        <SyncIndicator />
      </SyncProvider>
    </AppDataContext.Provider>,
  );
  await flush();
  await flush();
}

describe('sync provider', () => {
  it('syncs once, 5 s after the last of several writes, and then every 60 s', async () => {
    current = status({ pending_changes: 2 });
    await mount();
    expect(screen.getByTestId('sync-indicator').getAttribute('data-state')).toBe('pending');
    await act(async () => {
      await api.patch('company', 'c1', { phone: '03' });
    });
    await advance(SYNC_DEBOUNCE_MS - 1000);
    await act(async () => {
      await api.patch('company', 'c1', { phone: '04' });
    });
    await advance(SYNC_DEBOUNCE_MS - 1);
    expect(rounds()).toBe(0);
    await advance(1);
    expect(rounds()).toBe(1);
    expect(screen.getByTestId('sync-indicator').getAttribute('data-state')).toBe('ok');
    // Reads do not trigger a round.
    await act(async () => {
      await api.call({ cmd: 'get', kind: 'company', id: 'c1' });
    });
    await advance(SYNC_DEBOUNCE_MS);
    expect(rounds()).toBe(1);
    await advance(SYNC_EVERY_MS);
    expect(rounds()).toBe(2);
  });

  it('while the host runs a round it did not start, shows 同期中… and starts none until it ends', async () => {
    current = status({ running: true, pending_changes: 1 });
    const bump = vi.fn();
    await mount(bump);
    const el = () => screen.getByTestId('sync-indicator');
    expect(el().getAttribute('data-state')).toBe('busy');
    expect(el().textContent).toBe('同期中…');
    await act(async () => {
      await api.patch('company', 'c1', { phone: '03' });
    });
    await advance(SYNC_EVERY_MS);
    expect(rounds()).toBe(0);
    expect(el().getAttribute('data-state')).toBe('busy');
    // It looks again every couple of seconds; the round ends, and the next write syncs.
    expect(bump).not.toHaveBeenCalled();
    current = status({ running: false, last_sync_at: 7, pending_changes: 1 });
    await advance(SYNC_POLL_MS);
    expect(el().getAttribute('data-state')).toBe('pending');
    // The screens reload what that round may have brought.
    expect(bump).toHaveBeenCalledTimes(1);
    await act(async () => {
      await api.patch('company', 'c1', { phone: '04' });
    });
    await advance(SYNC_DEBOUNCE_MS);
    expect(rounds()).toBe(1);
    expect(el().getAttribute('data-state')).toBe('ok');
  });

  it('never syncs on its own when sync is not set up', async () => {
    current = status({ setup: null });
    await mount();
    expect(screen.getByTestId('sync-indicator').getAttribute('data-state')).toBe('off');
    await act(async () => {
      await api.patch('company', 'c1', { phone: '03' });
    });
    await advance(SYNC_EVERY_MS * 2);
    expect(rounds()).toBe(0);
  });

  it('shows an error and conflicts in the indicator', async () => {
    current = status({ last_error: { code: 'sync_folder_missing', message: 'gone', at: 1 }, open_conflicts: 2 });
    await mount();
    expect(screen.getByTestId('sync-indicator').getAttribute('data-state')).toBe('error');
    cleanup();
    current = status({ open_conflicts: 2, last_sync_at: 5 });
    await mount();
    const el = screen.getByTestId('sync-indicator');
    expect(el.getAttribute('data-state')).toBe('warn');
    expect(el.textContent).toContain('2');
  });
});

describe('sync words', () => {
  it('words every code the core sends, in Japanese first', () => {
    const codes = [
      'sync_folder_missing',
      'sync_folder_unreachable',
      'sync_passphrase_required',
      'sync_wrong_passphrase',
      'sync_format_newer',
      'sync_device_clash',
      'folder_read_only',
      'folder_full',
      'clock_ahead',
      'file_incomplete',
    ];
    for (const c of codes) {
      const ja = syncWords(c, 'ja', 'FALLBACK');
      expect(ja, c).not.toBe('FALLBACK');
      expect(ja, c).toMatch(/[ぁ-んァ-ン一-龥]/);
      expect(syncWords(c, 'en', 'FALLBACK'), c).not.toBe('FALLBACK');
    }
    expect(syncWords('sync_format_newer', 'ja')).toContain('更新');
    expect(syncWords('something_new', 'en', 'the core says so')).toBe('the core says so');
  });
});
