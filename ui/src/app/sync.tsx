// Folder sync in the app (issue 5): the status every screen can see, one
// round now (`sync_now`, run by the host), on change (5 s after a write) and
// periodically (every 60 s) while the app is open, and the sidebar indicator.
// The host runs one round at a time, off the UI's database connection: while
// its status says `running` (a round this window did not start, e.g. another
// tab's), the UI shows 「同期中…」 and starts no round; the desktop host's
// events say when a round starts and ends, a browser looks again every 2 s.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { S3Settings } from '../bindings/S3Settings';
import type { SkewedEdit } from '../bindings/SkewedEdit';
import type { SyncConflict } from '../bindings/SyncConflict';
import type { SyncStatus } from '../bindings/SyncStatus';
import { errorMessage } from '../errors';
import { useI18n, type Lang } from '../i18n';
import { useAppData } from './data';

/** Sync after a write, once writes pause this long (ms). */
export const SYNC_DEBOUNCE_MS = 5_000;
/** Sync this often while the app is open (ms). */
export const SYNC_EVERY_MS = 60_000;
/** While the host runs a round this window did not start, look at its status this often (ms). */
export const SYNC_POLL_MS = 2_000;

// ---- commands ------------------------------------------------------------------

function expectStatus(r: Awaited<ReturnType<typeof api.call>>): SyncStatus {
  if (r.type !== 'sync_status') throw { code: 'bad_response', message: `expected sync_status, got ${r.type}`, details: [] } satisfies api.ApiError;
  return r.data;
}

export async function syncStatus(): Promise<SyncStatus> {
  return expectStatus(await api.call({ cmd: 'sync_status' }));
}

export async function syncNow(retire?: string[]): Promise<SyncStatus> {
  return expectStatus(await api.call({ cmd: 'sync_now', retire }));
}

/** `passphrase`: undefined keeps the saved one, '' removes it. With `s3`, a bucket instead of the folder. */
export async function syncConfigure(folder: string, passphrase: string | undefined, deviceName: string, s3?: S3Settings): Promise<SyncStatus> {
  return expectStatus(await api.call({ cmd: 'sync_configure', folder, s3, passphrase, device_name: deviceName }));
}

/** 「接続をテスト」: opens the folder or bucket and lists it (writes nothing); answers how many files it holds. */
export async function syncTest(folder: string, s3?: S3Settings): Promise<number> {
  const r = await api.call({ cmd: 'sync_test', folder, s3 });
  if (r.type !== 'sync_tested') throw { code: 'bad_response', message: `expected sync_tested, got ${r.type}`, details: [] } satisfies api.ApiError;
  return r.data;
}

export async function syncDisable(): Promise<SyncStatus> {
  return expectStatus(await api.call({ cmd: 'sync_disable' }));
}

export async function syncConflicts(limit = 200): Promise<SyncConflict[]> {
  const r = await api.call({ cmd: 'sync_conflicts', limit });
  if (r.type !== 'sync_conflicts') throw { code: 'bad_response', message: `expected sync_conflicts, got ${r.type}`, details: [] } satisfies api.ApiError;
  return r.data;
}

export async function syncSkewedEdits(limit = 100): Promise<SkewedEdit[]> {
  const r = await api.call({ cmd: 'sync_skewed_edits', limit });
  if (r.type !== 'skewed_edits') throw { code: 'bad_response', message: `expected skewed_edits, got ${r.type}`, details: [] } satisfies api.ApiError;
  return r.data;
}

export async function resolveConflict(id: number, choice: 'current' | 'other', version?: string): Promise<SyncConflict> {
  const r = await api.call({ cmd: 'resolve_conflict', id, choice, ...(version ? { version } : {}) });
  if (r.type !== 'conflict_resolved') throw { code: 'bad_response', message: `expected conflict_resolved, got ${r.type}`, details: [] } satisfies api.ApiError;
  return r.data;
}

// ---- words ---------------------------------------------------------------------



/** A sync error or issue code in words (the one catalog, ui/src/errors.ts). */
export function syncWords(code: string, lang: Lang, fallback?: string): string {
  return errorMessage(code, lang, fallback);
}

// ---- the provider -----------------------------------------------------------------

export interface SyncState {
  status: SyncStatus | null;
  /** A round is running (this window's, or one the host says runs). */
  syncing: boolean;
  /** The last round's failure as the command reported it (null after a success). */
  error: api.ApiError | null;
  /**
   * Runs one round now (waits for this window's running one first); resolves
   * with the status, or rejects. While the host runs a round this window did
   * not start, starts none and resolves with the status (`running: true`).
   */
  syncNow: () => Promise<SyncStatus>;
  refresh: () => Promise<void>;
  setStatus: (s: SyncStatus) => void;
}

const SyncContext = createContext<SyncState>({
  status: null,
  syncing: false,
  error: null,
  syncNow: () => Promise.reject({ code: 'not_available', message: 'no sync provider', details: [] }),
  refresh: async () => {},
  setStatus: () => {},
});

export function useSync(): SyncState {
  return useContext(SyncContext);
}

export function SyncProvider({ children }: { children: ReactNode }) {
  const { bump } = useAppData();
  const [status, setStatusState] = useState<SyncStatus | null>(null);
  const [ownRound, setOwnRound] = useState(false);
  const [error, setError] = useState<api.ApiError | null>(null);
  const running = useRef<Promise<SyncStatus> | null>(null);
  const latest = useRef<SyncStatus | null>(null);
  const configured = status?.setup != null;
  const syncing = ownRound || status?.running === true;

  const setStatus = useCallback((s: SyncStatus) => {
    latest.current = s;
    setStatusState(s);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const s = await syncStatus();
      // A round this window did not start has ended: its data may be new.
      if (latest.current?.running && !s.running && !running.current) bump();
      setStatus(s);
    } catch {
      /* the screens show their own errors */
    }
  }, [bump, setStatus]);

  const run = useCallback((): Promise<SyncStatus> => {
    if (running.current) return running.current.catch(() => null).then(() => run());
    if (latest.current?.running) return syncStatus().then((s) => (setStatus(s), s));
    setOwnRound(true);
    const p = syncNow()
      .then(
        (s) => {
          setStatus(s);
          setError(null);
          const r = s.last_report;
          if (!s.running && r && (r.changes_applied > 0 || r.conflicts_new > 0 || r.snapshot_loaded)) bump();
          return s;
        },
        async (e) => {
          setError(api.toApiError(e));
          await refresh();
          throw api.toApiError(e);
        },
      )
      .finally(() => {
        running.current = null;
        setOwnRound(false);
      });
    running.current = p;
    return p;
  }, [bump, refresh, setStatus]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // A round this window did not start: the desktop host says when it starts
  // and ends (events); in a browser, look again until it ends.
  useEffect(
    () =>
      api.onHostEvent((e) => {
        if (e.type !== 'sync_status') return;
        if (latest.current?.running && !e.data.running && !running.current) bump();
        setStatus(e.data);
      }),
    [bump, setStatus],
  );
  useEffect(() => {
    if (!status?.running || ownRound || api.hostPushes()) return;
    const again = setTimeout(() => void refresh(), SYNC_POLL_MS);
    return () => clearTimeout(again);
  }, [status, ownRound, refresh]);

  // Periodically, and a few seconds after a write, while sync is set up.
  useEffect(() => {
    if (!configured) return;
    const quiet = () => void run().catch(() => {});
    const every = setInterval(quiet, SYNC_EVERY_MS);
    let debounce: ReturnType<typeof setTimeout> | undefined;
    const off = api.onWrite(() => {
      clearTimeout(debounce);
      debounce = setTimeout(quiet, SYNC_DEBOUNCE_MS);
      void refresh();
    });
    return () => {
      clearInterval(every);
      clearTimeout(debounce);
      off();
    };
  }, [configured, run, refresh]);

  const value = useMemo(
    () => ({ status, syncing, error, syncNow: run, refresh, setStatus }),
    [status, syncing, error, run, refresh, setStatus],
  );
  return <SyncContext.Provider value={value}>{children}</SyncContext.Provider>;
}

// ---- the indicator -------------------------------------------------------------------

/** The sidebar's sync state: off, syncing, ok (with pending changes), conflicts, or an error. */
export function SyncIndicator() {
  const { t } = useI18n();
  const { status, syncing, error } = useSync();
  if (!status) return null;
  let tone = 'off';
  let text = t('sync_state_off');
  if (status.setup) {
    const failed = error ?? status.last_error ?? (status.last_report && !status.last_report.ok ? status.last_report.errors[0] : null);
    if (syncing) {
      tone = 'busy';
      text = t('sync_state_syncing');
    } else if (failed) {
      tone = 'error';
      text = t('sync_state_error');
    } else if (status.last_report?.clock_off_ms != null) {
      // This computer's clock is far off (issue 19): told at once, in the sidebar too.
      tone = 'error';
      text = t('sync_state_clock');
    } else if (status.open_conflicts > 0) {
      tone = 'warn';
      text = t('sync_state_conflicts', { n: status.open_conflicts });
    } else if (status.pending_changes > 0) {
      tone = 'pending';
      text = t('sync_state_pending', { n: status.pending_changes });
    } else {
      tone = 'ok';
      text = status.last_sync_at ? t('sync_state_ok') : t('sync_state_never');
    }
  }
  return (
    <a href="#/sync" className={`sync-indicator sync-${tone}`} data-testid="sync-indicator" data-state={tone} title={text}>
      <span className="sync-dot" aria-hidden />
      {text}
    </a>
  );
}
