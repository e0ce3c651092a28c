// The Activities list's text box: the words of an activity (subject, content,
// outcome, next steps …) through the core's search index, and the activities
// of the companies and contacts the same search finds by name, reading, phone
// or e-mail. An activity's search document holds its own text only, so a
// company's name reaches its activities through the company's hit: the
// company's activities by `company_id in`, a contact's through its timeline
// (the activity's attendee links, an index lookup). All of it becomes one
// `id in` filter, like the company and contact lists' text boxes.

import * as api from './api';
import type { Filter } from './bindings/Filter';

/** Most companies and contacts whose activities are looked up for one text. */
export const ACTIVITY_SEARCH_OWNERS = 20;

export interface ActivitySearch {
  ids: string[];
  /** Some source stopped at its limit: more activities may match. */
  capped: boolean;
}

export async function activitySearchIds(text: string, limit = api.LIST_SEARCH_LIMIT): Promise<ActivitySearch> {
  const q = text.trim();
  if (!q) return { ids: [], capped: false };
  const [own, owners] = await Promise.all([
    api.search(q, { limit, kinds: ['activity'] }),
    api.search(q, { limit: ACTIVITY_SEARCH_OWNERS + 1, kinds: ['company', 'contact'] }),
  ]);
  let capped = own.length >= limit || owners.length > ACTIVITY_SEARCH_OWNERS;
  const found = new Set(own.filter((h) => h.kind === 'activity').map((h) => h.id));
  const top = owners.slice(0, ACTIVITY_SEARCH_OWNERS);
  const companies = top.filter((h) => h.kind === 'company').map((h) => h.id);
  const contacts = top.filter((h) => h.kind === 'contact').map((h) => h.id);
  const lookups: Promise<string[]>[] = [];
  if (companies.length) {
    lookups.push(
      api.list('activity', { filters: [{ field: 'company_id', op: 'in', value: companies }], limit, no_total: true }).then((page) => {
        if (page.items.length >= limit) capped = true;
        return page.items.map((s) => s.id);
      }),
    );
  }
  for (const id of contacts) {
    lookups.push(
      api.timeline({ kind: 'contact', id }, 0, limit).then((entries) => {
        if (entries.length >= limit) capped = true;
        return entries.filter((e) => e.kind === 'activity').map((e) => e.id);
      }),
    );
  }
  for (const ids of await Promise.all(lookups)) for (const id of ids) found.add(id);
  return { ids: [...found], capped };
}

/** The list filter for the activities found, or null for an empty box. */
export function activityFilter(found: ActivitySearch | null): Filter | null {
  return found ? { field: 'id', op: 'in', value: found.ids } : null;
}
