// The APPI toolkit per person (issue 18 item 4): typed calls for 開示
// (disclosure package), 訂正 (correction with a reason), 利用停止, exports
// for a third party (第三者提供記録) and the 漏えい等 incident register.

import { call, type Answer, type ApiError, type Kind, type ListQuery } from './api';
import type { Disclosure } from './bindings/Disclosure';
import type { IncidentInput } from './bindings/IncidentInput';
import type { Incident } from './bindings/Incident';
import type { IncidentRegister } from './bindings/IncidentRegister';
import type { Provision } from './bindings/Provision';
import type { ThirdParty } from './bindings/ThirdParty';
import type { ThirdPartyExport } from './bindings/ThirdPartyExport';
import { exportOptions, type ExportChoice } from './transfer';

export type { Disclosure, Incident, IncidentInput, IncidentRegister, Provision, ThirdParty, ThirdPartyExport };

type Data<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function expectType<T extends Answer['type']>(r: Answer, type: T): Data<T> {
  if (!r || r.type !== type) {
    throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] } satisfies ApiError;
  }
  return (r as { data: unknown }).data as Data<T>;
}

/** The disclosure package of a contact; with `outDir` written there, else its two files' bytes. */
export async function disclose(id: string, outDir?: string): Promise<Disclosure> {
  return expectType(await call({ cmd: 'disclose_contact', id, out_dir: outDir }), 'disclosure');
}

/** 訂正: the changed fields with the reason (kept in the audit trail). */
export async function correct(id: string, version: number | null, fields: Record<string, unknown>, reason: string) {
  return expectType(await call({ cmd: 'correct_contact', id, version, fields, reason }), 'record');
}

/** 利用停止 (stopped) or its end. */
export async function setUseStopped(id: string, stopped: boolean, reason?: string) {
  return expectType(await call({ cmd: 'set_use_stopped', id, stopped, reason }), 'record');
}

export async function exportThirdParty(kind: Kind, query: Partial<ListQuery>, choice: ExportChoice, third: ThirdParty): Promise<ThirdPartyExport> {
  const q: ListQuery = { filters: query.filters ?? [], q: query.q, sort: query.sort, desc: query.desc, no_total: true };
  return expectType(await call({ cmd: 'export_third_party', kind, query: q, options: exportOptions(choice), third_party: third }), 'third_party_export');
}

export async function provisions(contactId?: string): Promise<Provision[]> {
  return expectType(await call({ cmd: 'provisions', contact_id: contactId }), 'provisions');
}

export async function incidents(): Promise<IncidentRegister> {
  return expectType(await call({ cmd: 'incidents' }), 'incidents');
}

export async function addIncident(incident: IncidentInput): Promise<Incident> {
  return expectType(await call({ cmd: 'incident_add', incident }), 'incident');
}
