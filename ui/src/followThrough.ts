// Renewal reminders, the calendar feed, related companies (issue 21 items 3,
// 6, 7): typed calls of the core's commands.

import { call, type Answer } from './api';
import type { CalendarFeed } from './bindings/CalendarFeed';
import type { CalendarFeedInfo } from './bindings/CalendarFeedInfo';
import type { CompanyFate } from './bindings/CompanyFate';
import type { RelatedCompany } from './bindings/RelatedCompany';
import type { RenewalAlert } from './bindings/RenewalAlert';
import type { RenewalLeadTimes } from './bindings/RenewalLeadTimes';

export type { CalendarFeed, CalendarFeedInfo, CompanyFate, RelatedCompany, RenewalAlert, RenewalLeadTimes };

type DataOf<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

function data<T extends Answer['type']>(r: Answer, type: T): DataOf<T> {
  if (!r || r.type !== type) throw { code: 'bad_response', message: `expected ${type}, got ${r?.type}`, details: [] };
  return (r as { data: unknown }).data as DataOf<T>;
}

export async function leadTimes(): Promise<RenewalLeadTimes> {
  return data(await call({ cmd: 'renewal_lead_times' }), 'renewal_lead_times');
}

export async function setLeadTimes(lead_times: RenewalLeadTimes): Promise<RenewalLeadTimes> {
  return data(await call({ cmd: 'set_renewal_lead_times', lead_times }), 'renewal_lead_times');
}

/** The reminders to notify today (empty once today was notified on this computer). */
export async function renewalNotify(): Promise<RenewalAlert[]> {
  return data(await call({ cmd: 'renewal_notify' }), 'renewal_alerts');
}

export async function companyRelations(companyId: string): Promise<RelatedCompany[]> {
  return data(await call({ cmd: 'company_relations', company_id: companyId }), 'company_relations');
}

export async function companyFates(ids: string[]): Promise<CompanyFate[]> {
  if (ids.length === 0) return [];
  return data(await call({ cmd: 'company_fates', ids }), 'company_fates');
}

export async function calendarFeed(): Promise<CalendarFeed> {
  return data(await call({ cmd: 'calendar_feed' }), 'calendar');
}

export async function calendarFeedInfo(): Promise<CalendarFeedInfo> {
  return data(await call({ cmd: 'calendar_feed_info' }), 'calendar_feed_info');
}

export async function calendarNewToken(): Promise<CalendarFeedInfo> {
  return data(await call({ cmd: 'calendar_new_token' }), 'calendar_feed_info');
}

/** The feed's address as `daifuku serve` publishes it (the page's own origin in a browser). */
export function feedUrl(token: string, origin = typeof window !== 'undefined' ? window.location.origin : ''): string {
  const base = /^https?:/.test(origin) ? origin : 'http://127.0.0.1:<port>';
  return `${base}/calendar/${token}.ics`;
}
