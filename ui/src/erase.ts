// 消去 (erase everywhere) and the trash's 完全に削除 / 空にする (issue 18).
// Each asks the core first what would go (`dry_run`), shows that in the
// confirmation (Japanese first), then erases. Backups made before that still
// hold the records are offered to rewrite or delete.

import { call, type Answer, type ApiError } from './api';
import type { BackupErase } from './bindings/BackupErase';
import type { BackupsErased } from './bindings/BackupsErased';
import type { ErasePlan } from './bindings/ErasePlan';
import type { Kind } from './bindings/Kind';
import type { DictKey } from './i18n';

type DataOf<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function data<T extends Answer['type']>(r: Answer, type: T): DataOf<T> {
  if (!r || r.type !== type) {
    throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] } satisfies ApiError;
  }
  return (r as { data: unknown }).data as DataOf<T>;
}

export async function eraseContact(id: string, dryRun: boolean): Promise<ErasePlan> {
  return data(await call({ cmd: 'erase_contact', id, dry_run: dryRun }), 'erased');
}

export async function trashPurge(kind: Kind, id: string, dryRun: boolean): Promise<ErasePlan> {
  return data(await call({ cmd: 'trash_purge', kind, id, dry_run: dryRun }), 'erased');
}

export async function trashEmpty(dryRun: boolean): Promise<ErasePlan> {
  return data(await call({ cmd: 'trash_empty', dry_run: dryRun }), 'erased');
}

export async function eraseInBackups(ids: string[], paths: string[], action: BackupErase): Promise<BackupsErased> {
  return data(await call({ cmd: 'erase_in_backups', ids, paths, action }), 'backups_erased');
}

type T = (key: DictKey, vars?: Record<string, string | number>) => string;

/** Records a confirmation lists by name (the rest are counted). */
const LISTED = 12;

/** What will go, one line per record (kind and name), then the counts and where. */
export function eraseParts(plan: ErasePlan, t: T, kindName: (k: Kind) => string): { list: string; where: string } {
  const lines = plan.records.slice(0, LISTED).map((r) => `・${kindName(r.kind)} ${r.display_name}`.trimEnd());
  if (plan.records.length > LISTED) lines.push(`・${t('erase_more', { n: plan.records.length - LISTED })}`);
  const c = plan.counts;
  lines.push(`・${t('erase_counts', { changes: c.changes, versions: c.versions, attachments: c.attachments })}`);
  const where = [t('erase_where')];
  if (plan.synced) where.push(t('erase_where_sync'));
  if (plan.backups.length > 0) where.push(t('erase_backups_held', { n: plan.backups.length }));
  return { list: lines.join('\n'), where: where.join('\n') };
}
