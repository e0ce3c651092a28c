// Hand-over (引き継ぎ) and "what changed since I last looked" (issue 21
// items 4 and 5): typed calls of the core's commands.

import { call, type Answer } from './api';
import type { ChangeEntry } from './bindings/ChangeEntry';
import type { ChangedCompany } from './bindings/ChangedCompany';
import type { CompanyChanges } from './bindings/CompanyChanges';
import type { FeedPeriod } from './bindings/FeedPeriod';
import type { Handover } from './bindings/Handover';
import type { HandoverFilter } from './bindings/HandoverFilter';
import type { HandoverPlan } from './bindings/HandoverPlan';

export type { ChangeEntry, ChangedCompany, CompanyChanges, FeedPeriod, Handover, HandoverFilter, HandoverPlan };

type DataOf<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function data<T extends Answer['type']>(r: Answer, type: T): DataOf<T> {
  if (!r || r.type !== type) throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] };
  return (r as { data: unknown }).data as DataOf<T>;
}

export async function handoverPreview(from: string, to: string, filter: HandoverFilter): Promise<HandoverPlan> {
  return data(await call({ cmd: 'handover_preview', from_user_id: from, to_user_id: to, filter }), 'handover_plan');
}

export async function handoverApply(from: string, to: string, filter: HandoverFilter): Promise<Handover> {
  return data(await call({ cmd: 'handover_apply', from_user_id: from, to_user_id: to, filter }), 'handover');
}

export async function handoverUndo(id: string): Promise<Handover> {
  return data(await call({ cmd: 'handover_undo', handover_id: id }), 'handover');
}

export async function handovers(limit = 20): Promise<Handover[]> {
  return data(await call({ cmd: 'handovers', limit }), 'handovers');
}

/** The company's changes since this user last opened it; notes this visit when `markSeen`. */
export async function companyChanges(companyId: string, markSeen: boolean): Promise<CompanyChanges> {
  return data(await call({ cmd: 'company_changes', company_id: companyId, mark_seen: markSeen }), 'company_changes');
}

export async function changedCompanies(): Promise<ChangedCompany[]> {
  return data(await call({ cmd: 'changed_companies' }), 'changed_companies');
}

export async function officeFeed(period: FeedPeriod, userId?: string | null): Promise<ChangeEntry[]> {
  return data(await call({ cmd: 'office_feed', period, user_id: userId ?? undefined }), 'office_feed');
}
