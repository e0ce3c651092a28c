// The one typed wrapper around the core's command API.
//
// Inside the Tauri shell every command goes through `invoke('api', { cmd })`;
// in a browser (served by `daifuku serve`) it is POSTed to `/api` with the
// bearer token the bridge printed in the URL fragment. Both resolve to a
// `Response` or reject with an `ApiError` ({ code, field?, message, details }).

import type { ApiError } from './bindings/ApiError';
import type { Command } from './bindings/Command';
import type { HostCommand } from './bindings/HostCommand';
import type { HostResponse } from './bindings/HostResponse';
import type { HostEvent } from './bindings/HostEvent';
import type { Home } from './bindings/Home';
import type { Kind } from './bindings/Kind';
import type { KindMeta } from './bindings/KindMeta';
import type { ListQuery } from './bindings/ListQuery';
import type { Page } from './bindings/Page';
import type { Record as AnyRecord } from './bindings/Record';
import type { Response } from './bindings/Response';
import type { Settings } from './bindings/Settings';
import type { Stored } from './bindings/Stored';
import type { TimelineEntry } from './bindings/TimelineEntry';
import type { TimelineOwner } from './bindings/TimelineOwner';
import type { TrashItem } from './bindings/TrashItem';
import type { FirstRunState } from './bindings/FirstRunState';
import type { DuplicateCandidate } from './bindings/DuplicateCandidate';
import type { DuplicateGroup } from './bindings/DuplicateGroup';
import type { Merge } from './bindings/Merge';
import type { MergeChoice } from './bindings/MergeChoice';
import type { ReadingSuggestion } from './bindings/ReadingSuggestion';
import type { SearchHit } from './bindings/SearchHit';

export type { ApiError, Kind, Stored, ListQuery, Page };

/** A request on the wire: a core command or a host one (sync, background jobs, demo data). */
export type Request = Command | HostCommand;
/** An answer on the wire: the core's or the host's. */
export type Answer = Response | HostResponse;

/** The data type of one record kind, e.g. `DataOf<'company'>` is `Company`. */
export type DataOf<K extends Kind> = Extract<AnyRecord, { kind: K }>['data'];
/** A stored record of one kind. */
export type StoredOf<K extends Kind> = Extract<Stored, { kind: K }>;

const TOKEN_KEY = 'daifuku.token';

/** True inside the Tauri shell. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/**
 * Takes the bridge token out of the URL fragment (`#token=…`) on first load,
 * keeps it in sessionStorage and removes it from the address bar.
 */
export function captureToken(): void {
  if (typeof window === 'undefined') return;
  const hash = window.location.hash;
  const m = /^#(?:.*[&?])?token=([^&]+)/.exec(hash);
  if (!m) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
  const url = window.location.pathname + window.location.search + '#/';
  window.history.replaceState(null, '', url);
}

export function token(): string | null {
  return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(TOKEN_KEY);
}

/** Anything thrown by `call` is an ApiError; this tells one apart from other throwables. */
export function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && typeof (e as ApiError).code === 'string' && typeof (e as ApiError).message === 'string';
}

/** Normalizes whatever a transport rejected with into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { ...e, details: Array.isArray(e.details) ? e.details : [] };
  if (typeof e === 'string') {
    try {
      const parsed = JSON.parse(e);
      if (isApiError(parsed)) return toApiError(parsed);
    } catch {
      /* not JSON */
    }
    return { code: 'internal', message: e, details: [] };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'network', message, details: [] };
}

let tauriInvoke: ((cmd: string, args: Record<string, unknown>) => Promise<unknown>) | null = null;

async function viaTauri(cmd: Request): Promise<Answer> {
  if (!tauriInvoke) {
    const core = await import('@tauri-apps/api/core');
    tauriInvoke = core.invoke as unknown as typeof tauriInvoke;
  }
  try {
    return (await tauriInvoke!('api', { cmd })) as Answer;
  } catch (e) {
    throw toApiError(e);
  }
}

async function viaHttp(cmd: Request): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  let res: globalThis.Response;
  try {
    res = await fetch('/api', { method: 'POST', headers, body: JSON.stringify(cmd) });
  } catch (e) {
    throw toApiError(e);
  }
  let body: unknown = null;
  const text = await res.text();
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    if (isApiError(body)) throw toApiError(body);
    const code = res.status === 401 || res.status === 403 ? 'unauthorized' : 'http_error';
    throw { code, message: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, details: [] } satisfies ApiError;
  }
  return body as Answer;
}

// Folder sync (issue 5): commands that change records; after one succeeds,
// the write listeners run (the sync provider syncs a few seconds later).
const WRITES = new Set<string>(['create', 'add', 'update', 'patch', 'delete', 'restore', 'merge', 'undo_merge', 'resolve_conflict', 'import_apply', 'restore_backup', 'attach_file', 'delete_attachment', 'demo_load', 'demo_remove', 'apply_rank_suggestions', 'undo_rank_suggestions', 'handover_apply', 'handover_undo', 'resolve_orphan', 'correct_contact', 'set_use_stopped', 'incident_add']);
const writeListeners = new Set<() => void>();

/** Runs `fn` after every successful write; returns the unsubscribe function. */
export function onWrite(fn: () => void): () => void {
  writeListeners.add(fn);
  return () => writeListeners.delete(fn);
}

/** Runs the write listeners: for writes that finish later (a background import). */
export function notifyWrite(): void {
  writeListeners.forEach((fn) => fn());
}

// A restore replaces the database: while it runs the host answers every
// other command with `restoring`, and the app shows 復元中… over everything
// (RestoringOverlay). The state is `own` during this window's own restore,
// `elsewhere` from the first `restoring` answer to another command (a
// restore started before a reload, or by another browser window) until a
// poll gets an answer again.
export const RESTORE_POLL_MS = 1000;
export type RestoreState = 'none' | 'own' | 'elsewhere';
let restoreState: RestoreState = 'none';
let restorePoll: ReturnType<typeof setTimeout> | null = null;
const restoreListeners = new Set<(state: RestoreState, before: RestoreState) => void>();

/** Whether a restore is running, as far as this window knows. */
export function restoreStateNow(): RestoreState {
  return restoreState;
}

/** Runs `fn` whenever the restore state changes; returns the unsubscribe function. */
export function onRestoreState(fn: (state: RestoreState, before: RestoreState) => void): () => void {
  restoreListeners.add(fn);
  return () => restoreListeners.delete(fn);
}

function setRestoreState(state: RestoreState): void {
  const before = restoreState;
  if (before === state) return;
  restoreState = state;
  restoreListeners.forEach((fn) => fn(state, before));
}

/** Asks the host every second until it answers again: the restore ended. */
function pollUntilRestored(): void {
  if (restorePoll !== null) return;
  restorePoll = setTimeout(() => {
    restorePoll = null;
    send({ cmd: 'get_settings' }).then(
      () => setRestoreState('none'),
      (e) => {
        if (toApiError(e).code === 'restoring') pollUntilRestored();
        else setRestoreState('none');
      },
    );
  }, RESTORE_POLL_MS);
}

// ---- host events ------------------------------------------------------------
// The desktop host pushes what changes without a request (a background job's
// progress, a sync round's start and end) as the Tauri event
// `daifuku://host-event`; the browser bridge cannot push, so there the UI polls.

export type { HostEvent };
const HOST_EVENT = 'daifuku://host-event';
const hostListeners = new Set<(e: HostEvent) => void>();
let hostListening = false;

/** Whether the host pushes events (the desktop app); else the UI polls. */
export function hostPushes(): boolean {
  return inTauri();
}

/** Runs `fn` for every host event (desktop only); returns the unsubscribe function. */
export function onHostEvent(fn: (e: HostEvent) => void): () => void {
  hostListeners.add(fn);
  if (inTauri() && !hostListening) {
    hostListening = true;
    void import('@tauri-apps/api/event').then(({ listen }) =>
      listen<HostEvent>(HOST_EVENT, (e) => hostListeners.forEach((l) => l(e.payload))),
    );
  }
  return () => hostListeners.delete(fn);
}

function send(cmd: Request): Promise<Answer> {
  return inTauri() ? viaTauri(cmd) : viaHttp(cmd);
}

/** Sends one command to the core. Rejects with an ApiError. */
export function call(cmd: Request): Promise<Answer> {
  let p = send(cmd);
  if (cmd.cmd === 'restore_backup') {
    setRestoreState('own');
    p = p.finally(() => setRestoreState('none'));
  } else {
    p = p.catch((e: unknown) => {
      if (toApiError(e).code === 'restoring' && restoreState !== 'own') {
        setRestoreState('elsewhere');
        pollUntilRestored();
      }
      throw e;
    });
  }
  if (!WRITES.has(cmd.cmd)) return p;
  return p.then((r) => {
    writeListeners.forEach((fn) => fn());
    return r;
  });
}

type ResponseData<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function expect<T extends Answer['type']>(r: Answer, type: T): ResponseData<T> {
  if (!r || r.type !== type) {
    throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] } satisfies ApiError;
  }
  return (r as { data: unknown }).data as ResponseData<T>;
}

// ---- typed helpers -------------------------------------------------------

export async function schema(): Promise<KindMeta[]> {
  return expect(await call({ cmd: 'schema' }), 'schema');
}

export async function create<K extends Kind>(kind: K, data: Partial<DataOf<K>>): Promise<StoredOf<K>> {
  const record = { kind, data } as unknown as AnyRecord;
  return expect(await call({ cmd: 'create', record }), 'record') as StoredOf<K>;
}

export async function get<K extends Kind>(kind: K, id: string): Promise<StoredOf<K>> {
  return expect(await call({ cmd: 'get', kind, id }), 'record') as StoredOf<K>;
}

export async function update<K extends Kind>(kind: K, id: string, version: number | null, data: DataOf<K>): Promise<StoredOf<K>> {
  const record = { kind, data } as unknown as AnyRecord;
  return expect(await call({ cmd: 'update', id, version, record }), 'record') as StoredOf<K>;
}

export async function patch<K extends Kind>(
  kind: K,
  id: string,
  fields: { [field: string]: unknown },
  version: number | null = null,
): Promise<StoredOf<K>> {
  return expect(await call({ cmd: 'patch', kind, id, version, fields }), 'record') as StoredOf<K>;
}

export async function remove<K extends Kind>(kind: K, id: string): Promise<StoredOf<K>> {
  return expect(await call({ cmd: 'delete', kind, id }), 'record') as StoredOf<K>;
}

export async function restore<K extends Kind>(kind: K, id: string): Promise<StoredOf<K>> {
  return expect(await call({ cmd: 'restore', kind, id }), 'record') as StoredOf<K>;
}

export async function list<K extends Kind>(kind: K, query: Partial<ListQuery> = {}): Promise<Page & { items: StoredOf<K>[] }> {
  const q: ListQuery = { filters: [], no_total: false, ...query };
  return expect(await call({ cmd: 'list', kind, query: q }), 'page') as Page & { items: StoredOf<K>[] };
}

/** Every live record of a kind matching the query, fetched page by page (for small kinds). */
export async function listAll<K extends Kind>(kind: K, query: Partial<ListQuery> = {}, max = 5000): Promise<StoredOf<K>[]> {
  const out: StoredOf<K>[] = [];
  for (let offset = 0; offset < max; offset += 1000) {
    const page = await list(kind, { ...query, offset, limit: 1000, no_total: true });
    out.push(...page.items);
    if (page.items.length < 1000) break;
  }
  return out;
}

export async function trash(offset = 0, limit = 200): Promise<TrashItem[]> {
  return expect(await call({ cmd: 'trash', offset, limit }), 'trash');
}

/** How many records are in the trash (the trash screen pages through them). */
export async function trashCount(): Promise<number> {
  return expect(await call({ cmd: 'trash_count' }), 'trash_count');
}

export async function timeline(owner: TimelineOwner, offset = 0, limit = 100): Promise<TimelineEntry[]> {
  return expect(await call({ cmd: 'timeline', owner, offset, limit }), 'timeline');
}

/** The Home screen's data with each list typed by its kind. */
export interface HomeData extends Omit<Home, 'overdue_tasks' | 'today_tasks' | 'upcoming_tasks' | 'renewals' | 'recent_activities'> {
  overdue_tasks: StoredOf<'task'>[];
  today_tasks: StoredOf<'task'>[];
  upcoming_tasks: StoredOf<'task'>[];
  renewals: StoredOf<'purchase'>[];
  recent_activities: StoredOf<'activity'>[];
}

export async function home(mine = false): Promise<HomeData> {
  return expect(await call({ cmd: 'home', mine }), 'home') as HomeData;
}

export async function settings(): Promise<Settings> {
  return expect(await call({ cmd: 'get_settings' }), 'settings');
}

// ---- first run (issue 23) ----------------------------------------------------

/** Is this database new, was the welcome closed, how many demo records are live. */
export async function firstRunState(): Promise<FirstRunState> {
  return expect(await call({ cmd: 'first_run_state' }), 'first_run');
}

/** Loads demo data (marked as demo; `demoRemove` takes it out in one step). */
export async function demoLoad(companies = 200): Promise<FirstRunState> {
  return expect(await call({ cmd: 'demo_load', companies }), 'first_run');
}

/** Moves every demo record to the trash; the user's own records stay. */
export async function demoRemove(): Promise<FirstRunState> {
  return expect(await call({ cmd: 'demo_remove' }), 'first_run');
}

/** Closes the welcome screen for good, with the user's company name. */
export async function welcomeDone(companyName: string | null): Promise<FirstRunState> {
  return expect(await call({ cmd: 'welcome_done', company_name: companyName ?? undefined }), 'first_run');
}

export async function setCurrentUser(userId: string | null): Promise<Settings> {
  return expect(await call({ cmd: 'set_current_user', user_id: userId }), 'settings');
}

// ---- search, duplicates, merge, readings (issue 4) ----------------------------

export type { DuplicateCandidate, DuplicateGroup, Merge, MergeChoice, ReadingSuggestion, SearchHit };

/** Ranked hits over companies, contacts, deals, products and activities (the core's `search`). */
export async function search(q: string, opts: { limit?: number; kinds?: Kind[] } = {}): Promise<SearchHit[]> {
  const text = q.trim();
  if (!text) return [];
  return expect(await call({ cmd: 'search', q: text, limit: opts.limit, kinds: opts.kinds }), 'search');
}

/** Everything matching `q`, for the command palette. */
export async function searchAll(q: string, limit = 12): Promise<SearchHit[]> {
  return search(q, { limit });
}

/** Most ids a list's text filter asks the search for. */
export const LIST_SEARCH_LIMIT = 200;

/** Ids of the records of one kind the search finds for `q` (a list's text box). */
export async function searchIds(kind: Kind, q: string, limit = LIST_SEARCH_LIMIT): Promise<string[]> {
  const hits = await search(q, { limit, kinds: [kind] });
  return hits.filter((h) => h.kind === kind).map((h) => h.id);
}

/** Records a company or contact being typed may duplicate (advice only). */
export async function checkDuplicates(kind: Kind, fields: { [field: string]: unknown }, excludeId?: string | null): Promise<DuplicateCandidate[]> {
  return expect(await call({ cmd: 'check_duplicates', kind, fields, exclude_id: excludeId ?? undefined }), 'duplicate_candidates');
}

export async function findDuplicates(kind: Kind): Promise<DuplicateGroup[]> {
  return expect(await call({ cmd: 'find_duplicates', kind }), 'duplicate_groups');
}

export async function merge(kind: Kind, survivorId: string, loserId: string, choices: { [field: string]: MergeChoice }): Promise<Merge> {
  return expect(await call({ cmd: 'merge', kind, survivor_id: survivorId, loser_id: loserId, choices }), 'merge');
}

export async function undoMerge(mergeId: string): Promise<Merge> {
  return expect(await call({ cmd: 'undo_merge', merge_id: mergeId }), 'merge');
}

export async function merges(limit = 50): Promise<Merge[]> {
  return expect(await call({ cmd: 'merges', limit }), 'merges');
}

export async function suggestReading(text: string): Promise<ReadingSuggestion> {
  return expect(await call({ cmd: 'suggest_reading', text }), 'reading');
}
