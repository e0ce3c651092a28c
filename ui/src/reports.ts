// Priorities (ABC / Pareto, contact rhythm, dormant) and cross-sell / up-sell
// (issue 21): typed calls of the core's report commands.

import { call, type Answer } from './api';
import type { AbcReport } from './bindings/AbcReport';
import type { ContactDue } from './bindings/ContactDue';
import type { CrossSellReport } from './bindings/CrossSellReport';
import type { DormantCompany } from './bindings/DormantCompany';
import type { RankApplication } from './bindings/RankApplication';
import type { ReportSettings } from './bindings/ReportSettings';

export type { AbcReport, ContactDue, CrossSellReport, DormantCompany, RankApplication, ReportSettings };

type DataOf<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function data<T extends Answer['type']>(r: Answer, type: T): DataOf<T> {
  if (!r || r.type !== type) throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] };
  return (r as { data: unknown }).data as DataOf<T>;
}

export async function abc(months?: number): Promise<AbcReport> {
  return data(await call({ cmd: 'report_abc', months }), 'abc');
}

export async function applyRanks(months?: number): Promise<RankApplication> {
  return data(await call({ cmd: 'apply_rank_suggestions', months }), 'rank_application');
}

export async function undoRanks(id: string): Promise<RankApplication> {
  return data(await call({ cmd: 'undo_rank_suggestions', id }), 'rank_application');
}

export async function crossSell(companyId: string): Promise<CrossSellReport> {
  return data(await call({ cmd: 'cross_sell', company_id: companyId }), 'cross_sell');
}

export async function reportSettings(): Promise<ReportSettings> {
  return data(await call({ cmd: 'report_settings' }), 'report_settings');
}

export async function setReportSettings(settings: ReportSettings): Promise<ReportSettings> {
  return data(await call({ cmd: 'set_report_settings', settings }), 'report_settings');
}
