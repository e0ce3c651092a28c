// Cascading trash and orphans (issue 19): what deleting a company takes
// along, the trash with each company's group folded in, and live records
// left under a company deleted on another laptop.

import { call, type Answer, type ApiError } from './api';
import type { DeletePreview } from './bindings/DeletePreview';
import type { GroupCounts } from './bindings/GroupCounts';
import type { Kind } from './bindings/Kind';
import type { Orphan } from './bindings/Orphan';
import type { OrphanAction } from './bindings/OrphanAction';
import type { Stored } from './bindings/Stored';
import type { TrashGroups } from './bindings/TrashGroups';

type DataOf<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function data<T extends Answer['type']>(r: Answer, type: T): DataOf<T> {
  if (!r || r.type !== type) {
    throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] } satisfies ApiError;
  }
  return (r as { data: unknown }).data as DataOf<T>;
}

/** What deleting the record would move to the trash with it. */
export async function deletePreview(kind: Kind, id: string): Promise<DeletePreview> {
  return data(await call({ cmd: 'delete_preview', kind, id }), 'delete_preview');
}

/** A page of the trash, each company's group folded in. */
export async function trashGroups(offset = 0, limit = 100): Promise<TrashGroups> {
  return data(await call({ cmd: 'trash_groups', offset, limit }), 'trash_groups');
}

/** Live records under a company in the trash. */
export async function orphans(): Promise<Orphan[]> {
  return data(await call({ cmd: 'orphans' }), 'orphans');
}

export async function resolveOrphan(kind: Kind, id: string, action: OrphanAction): Promise<Stored> {
  return data(await call({ cmd: 'resolve_orphan', kind, id, action }), 'record');
}

type T = (key: 'trash_with_contacts' | 'trash_with_deals' | 'trash_with_tasks' | 'trash_with_activities', vars: Record<string, string | number>) => string;

/** 「担当者3件・商談1件」: the non-zero counts of a group, in the user's words. */
export function groupWords(c: GroupCounts, t: T, sep = '・'): string {
  const parts: string[] = [];
  if (c.contacts) parts.push(t('trash_with_contacts', { n: c.contacts }));
  if (c.deals) parts.push(t('trash_with_deals', { n: c.deals }));
  if (c.tasks) parts.push(t('trash_with_tasks', { n: c.tasks }));
  if (c.activities) parts.push(t('trash_with_activities', { n: c.activities }));
  return parts.join(sep);
}

export function groupTotal(c: GroupCounts): number {
  return c.contacts + c.deals + c.tasks + c.activities;
}
