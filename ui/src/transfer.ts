// Getting customer data in and out (issue 6): typed calls for import, export,
// mailing list and backup, the mapping editor's logic, and file helpers
// (reading a picked file as base64, saving the core's bytes as a download).

import { call, hostPushes, inTauri, notifyWrite, onHostEvent, type ApiError, type Kind, type ListQuery } from './api';
import { fieldErrorText } from './errors';
import type { Lang } from './i18n';
import type { BackupInfo } from './bindings/BackupInfo';
import type { BackupSettings } from './bindings/BackupSettings';
import type { ColumnMap } from './bindings/ColumnMap';
import type { ExportOptions } from './bindings/ExportOptions';
import type { ExportResult } from './bindings/ExportResult';
import type { ExportWarning } from './bindings/ExportWarning';
import type { FileData } from './bindings/FileData';
import type { FileSource } from './bindings/FileSource';
import type { ImportOptions } from './bindings/ImportOptions';
import type { ImportPreview } from './bindings/ImportPreview';
import type { JobStatus } from './bindings/JobStatus';
import type { MailingListResult } from './bindings/MailingListResult';
import type { MailingOptions } from './bindings/MailingOptions';
import type { MappingTarget } from './bindings/MappingTarget';
import type { Answer as Response } from './api';
import type { RestoreInfo } from './bindings/RestoreInfo';
import type { Rotation } from './bindings/Rotation';

export type { BackupSettings, ColumnMap, ExportWarning, ImportOptions, ImportPreview, JobStatus, MappingTarget };

type Data<T extends Response['type']> = Extract<Response, { type: T }> extends { data: infer D } ? D : never;

function expectType<T extends Response['type']>(r: Response, type: T): Data<T> {
  if (!r || r.type !== type) {
    throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] } satisfies ApiError;
  }
  return (r as { data: unknown }).data as Data<T>;
}

// ---- import -------------------------------------------------------------------

export async function importPreview(file: FileSource, options: ImportOptions): Promise<ImportPreview> {
  return expectType(await call({ cmd: 'import_preview', file, options }), 'import_preview');
}

/** Starts the dry run (the preview) on the host's background thread; the status has the preview when done. */
export async function previewStart(file: FileSource, options: ImportOptions): Promise<JobStatus> {
  return expectType(await call({ cmd: 'import_start', file, options, accept_errors: false, dry_run: true }), 'import_job');
}

/** Starts the import on the host's background thread. */
export async function importStart(file: FileSource, options: ImportOptions, acceptErrors: boolean): Promise<JobStatus> {
  return expectType(await call({ cmd: 'import_start', file, options, accept_errors: acceptErrors }), 'import_job');
}

const announced = new Set<string>();

/** A finished import wrote records: let folder sync know, once per job. */
function announce(status: JobStatus): JobStatus {
  if (status.state === 'done' && !status.dry_run && !announced.has(status.id)) {
    announced.add(status.id);
    notifyWrite();
  }
  return status;
}

export async function importProgress(job: string): Promise<JobStatus> {
  return announce(expectType(await call({ cmd: 'import_progress', job }), 'import_job'));
}

/** In the desktop app, a job that sent no event for this long is asked directly (an event missed while listening began). */
export const JOB_EVENT_WAIT_MS = 1_000;

/**
 * The job's next status. The desktop host pushes each change as an event
 * (every 100 ms while it runs, and at its end): the next one for this job,
 * else a direct question after JOB_EVENT_WAIT_MS. In a browser, which gets
 * no events, a poll after `pollMs`.
 */
export function nextProgress(job: string, pollMs: number): Promise<JobStatus> {
  if (!hostPushes()) return new Promise((r) => setTimeout(r, pollMs)).then(() => importProgress(job));
  return new Promise<JobStatus>((resolve, reject) => {
    let settled = false;
    const settle = (p: Promise<JobStatus>) => {
      if (settled) return;
      settled = true;
      off();
      clearTimeout(timer);
      p.then(resolve, reject);
    };
    const off = onHostEvent((e) => {
      if (e.type === 'import_job' && e.data.id === job) settle(Promise.resolve(announce(e.data)));
    });
    const timer = setTimeout(() => settle(importProgress(job)), JOB_EVENT_WAIT_MS);
  });
}

export async function importCancel(job: string): Promise<JobStatus> {
  return expectType(await call({ cmd: 'import_cancel', job }), 'import_job');
}

// ---- mapping editor (pure) -------------------------------------------------------

/**
 * The mapping with `column` filling `target` (null: ignored). A field is
 * filled from one column only, so a column that filled `target` before is
 * set to ignored (the core refuses a field mapped twice).
 */
export function assignTarget(mapping: ColumnMap[], column: number, target: string | null): ColumnMap[] {
  const t = target || null;
  return mapping.map((c) => {
    if (c.column === column) return { ...c, target: t };
    if (t != null && c.target === t) return { ...c, target: null };
    return c;
  });
}

/** Whether two mappings send the same columns to the same targets. */
export function sameMapping(a: ColumnMap[], b: ColumnMap[]): boolean {
  if (a.length !== b.length) return false;
  const key = (m: ColumnMap[]) =>
    m
      .map((c) => `${c.column}:${c.target ?? ''}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}

/** The label of a target in the user's language; the raw name if unknown. */
export function targetLabel(targets: MappingTarget[], target: string | null, lang: 'ja' | 'en'): string {
  if (!target) return '';
  const t = targets.find((x) => x.target === target);
  return t ? (lang === 'ja' ? t.label_ja : t.label_en) : target;
}

/** Targets for a column's select: required-looking fields first is the core's order; used ones marked. */
export function targetOptions(
  targets: MappingTarget[],
  mapping: ColumnMap[],
  column: number,
  lang: 'ja' | 'en',
): { value: string; label: string; usedBy: string | null }[] {
  return targets.map((t) => {
    const other = mapping.find((c) => c.target === t.target && c.column !== column);
    return { value: t.target, label: lang === 'ja' ? t.label_ja : t.label_en, usedBy: other ? other.header || `#${other.column + 1}` : null };
  });
}

/** Whether the import may run: errors need the user's "good rows only". */
export function canImport(preview: ImportPreview | null, acceptErrors: boolean): boolean {
  if (!preview) return false;
  const s = preview.summary;
  if (s.create + s.update + s.skip === 0) return false;
  return s.error === 0 || acceptErrors;
}

/** Percent of a job done, 0..100. */
export function percent(job: Pick<JobStatus, 'done' | 'total'> | null): number {
  if (!job || job.total <= 0) return 0;
  return Math.min(100, Math.round((job.done / job.total) * 100));
}

// ---- files ----------------------------------------------------------------------

/** A picked file's bytes as base64 (works in browsers and the Tauri webview). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.readAsDataURL(file);
  });
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function mimeOf(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith('.csv')) return 'text/csv';
  if (n.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (n.endsWith('.vcf')) return 'text/vcard';
  if (n.endsWith('.json')) return 'application/json';
  if (n.endsWith('.pdf')) return 'application/pdf';
  return 'application/octet-stream';
}

/** Saves a file the core made as a download (a Blob link). */
export function downloadFile(file: Pick<FileData, 'name' | 'base64'>): void {
  const blob = new Blob([base64ToBytes(file.base64)], { type: mimeOf(file.name) });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The folder the desktop app saves files in: `exports` beside the database. */
export function exportsDirOf(dbPath: string | null): string {
  if (!dbPath) return 'exports';
  const cut = Math.max(dbPath.lastIndexOf('/'), dbPath.lastIndexOf('\\'));
  const sep = dbPath.lastIndexOf('\\') > dbPath.lastIndexOf('/') ? '\\' : '/';
  return cut < 0 ? 'exports' : `${dbPath.slice(0, cut)}${sep}exports`;
}

/**
 * Saves a file the core made: a download in a browser; in the desktop app
 * (whose WebKitGTK webview ignores download links) written by the core to
 * the exports folder. Answers the path written, or null for a download.
 */
export async function saveFile(file: Pick<FileData, 'name' | 'base64'>): Promise<string | null> {
  if (!inTauri()) {
    downloadFile(file);
    return null;
  }
  const dir = exportsDirOf((await backupSettings()).db_path);
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const r = expectType(await call({ cmd: 'save_file', path: `${dir}${sep}${file.name}`, file: { name: file.name, base64: file.base64 } }), 'exported');
  return r.path;
}

// ---- export and mailing list ---------------------------------------------------------

export type ExportChoice = 'csv' | 'csv_sjis' | 'xlsx' | 'vcf';

export function exportOptions(choice: ExportChoice): ExportOptions {
  switch (choice) {
    case 'csv':
      return { format: 'csv', encoding: 'utf8', headers: 'ja' };
    case 'csv_sjis':
      return { format: 'csv', encoding: 'shift_jis', headers: 'ja' };
    case 'xlsx':
      return { format: 'xlsx', headers: 'ja' };
    case 'vcf':
      return { format: 'vcf', headers: 'ja' };
  }
}

/** A list (its filters; paging dropped) as a file's bytes. */
export async function exportList(kind: Kind, query: Partial<ListQuery>, choice: ExportChoice): Promise<ExportResult> {
  const q: ListQuery = { filters: query.filters ?? [], q: query.q, sort: query.sort, desc: query.desc, no_total: true };
  return expectType(await call({ cmd: 'export', kind, query: q, options: exportOptions(choice) }), 'exported');
}

/**
 * One export warning as a line: where (row, record, column, as the file
 * has them) and what, in the user's language (`cell_truncated`: a cell cut
 * at Excel's limit; `unencodable_chars`: characters Shift_JIS cannot hold).
 */
export function exportWarningText(w: ExportWarning, lang: Lang): string {
  const where = [
    w.row != null ? (lang === 'ja' ? `${w.row}行目` : `row ${w.row}`) : null,
    w.record ?? null,
    w.field ?? null,
  ].filter((x): x is string => !!x);
  const what = fieldErrorText({ code: w.code, message: w.message, detail: w.detail }, lang);
  return where.length ? `${where.join(lang === 'ja' ? '・' : ', ')}${lang === 'ja' ? '：' : ': '}${what}` : what;
}

export async function mailingList(options: MailingOptions, file?: ExportChoice): Promise<MailingListResult> {
  return expectType(await call({ cmd: 'mailing_list', options, export: file ? exportOptions(file) : undefined }), 'mailing_list');
}

// ---- backup ----------------------------------------------------------------------------

export async function backupSettings(): Promise<BackupSettings> {
  return expectType(await call({ cmd: 'get_backup_settings' }), 'backup_settings');
}

export async function setBackupSettings(enabled: boolean, keep: number, dir: string | null): Promise<BackupSettings> {
  return expectType(await call({ cmd: 'set_backup_settings', enabled, keep, dir: dir ?? undefined }), 'backup_settings');
}

export async function backupNow(path: string): Promise<BackupInfo> {
  return expectType(await call({ cmd: 'backup', path }), 'backup');
}

export async function rollingBackup(dir: string, keep: number): Promise<Rotation> {
  return expectType(await call({ cmd: 'rolling_backup', dir, keep }), 'rotation');
}

/** `passphrase`: the backup's own, when it was encrypted under another one than the database's. */
export async function restoreBackup(path: string, passphrase?: string): Promise<RestoreInfo> {
  return expectType(await call({ cmd: 'restore_backup', path, confirm: true, passphrase: passphrase || undefined }), 'restored');
}

/** `dir/daifuku-YYYYMMDD-HHMM.db`: a manual backup's default file. */
export function manualBackupPath(dir: string, now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return `${dir.replace(/[\\/]+$/, '')}${sep}daifuku-${stamp}.db`;
}

/** A path's last part. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
