// "What changed since I last looked" (issue 21 item 5): the panel on a
// company page, the badge on the company list, and the entries the office
// feed (screens/OfficeFeed.tsx) shows too.

import { useEffect, useRef, useState } from 'react';
import * as api from '../api';
import { useAppData, useMeta } from '../app/data';
import { href } from '../app/router';
import { formatTimestamp } from '../dates';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';
import { changedCompanies, companyChanges, type ChangeEntry, type CompanyChanges } from '../changes';

const CATEGORY_KEYS: Record<string, DictKey> = {
  company: 'chg_cat_company',
  activity_added: 'chg_cat_activity_added',
  deal_moved: 'chg_cat_deal_moved',
  contact_added: 'chg_cat_contact_added',
  contact_left: 'chg_cat_contact_left',
  other: 'chg_cat_other',
};

const KIND_ROUTES: Partial<Record<api.Kind, string>> = { company: 'company', contact: 'contact', activity: 'activity' };

function ValueText({ v, field }: { v: unknown; field: string }) {
  const { enumLabel, t } = useI18n();
  if (v == null || v === '' || (Array.isArray(v) && v.length === 0)) return <span className="muted">{t('chg_empty')}</span>;
  if (typeof v === 'string') return <>{enumLabel(v, field) || v}</>;
  if (typeof v === 'boolean') return <>{t(v ? 'yes' : 'no')}</>;
  if (Array.isArray(v)) return <>{v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('、')}</>;
  return <>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</>;
}

/** One change: who, when, what (and each field old → new). */
export function ChangeItem({ e, showCompany = false }: { e: ChangeEntry; showCompany?: boolean }) {
  const { t, lang, wareki, kindLabel } = useI18n();
  const meta = useMeta(e.kind);
  const route = KIND_ROUTES[e.kind];
  const what =
    e.movement === 'left'
      ? t('chg_left')
      : e.movement === 'joined'
        ? t('chg_joined')
        : t(({ create: 'chg_created', delete: 'chg_deleted', restore: 'chg_restored' } as Record<string, DictKey>)[e.op] ?? 'chg_updated');
  return (
    <li className={`change change-${e.category}`} data-testid="change-entry" data-category={e.category} data-origin={e.origin}>
      <div className="change-head">
        <span className="badge">{t(CATEGORY_KEYS[e.category] ?? 'chg_cat_other')}</span>{' '}
        {showCompany && e.kind !== 'company' && (
          <>
            <a href={href('company', e.company_id)}>{e.company_name}</a> ›{' '}
          </>
        )}
        <span className="muted small">{kindLabel(meta)}</span>{' '}
        {route ? <a href={href(route, e.record_id)}>{e.record_name}</a> : <strong>{e.record_name}</strong>} <span>{what}</span>
      </div>
      {e.fields.length > 0 && (
        <ul className="plain change-fields">
          {e.fields.map((f) => (
            <li key={f.field} data-testid="change-field" data-field={f.field}>
              <span className="muted">{lang === 'ja' ? f.label_ja : f.label_en}:</span> <del><ValueText v={f.old} field={f.field} /></del> →{' '}
              <ins><ValueText v={f.new} field={f.field} /></ins>
            </li>
          ))}
        </ul>
      )}
      <div className="muted small change-meta">
        {e.author_name ?? e.author ?? t('chg_someone')} · {formatTimestamp(e.at, wareki, lang)}
        {e.origin === 'sync' && (
          <span className="chip chip-sm" title={t('chg_via_sync_title', { at: formatTimestamp(e.arrived_at, wareki, lang) })} data-testid="change-via-sync">
            {t('chg_via_sync')}
          </span>
        )}
      </div>
    </li>
  );
}

function countsLine(c: CompanyChanges, t: (k: DictKey, v?: Record<string, string | number>) => string): string {
  const parts: string[] = [];
  const n = c.counts;
  if (n.company_fields) parts.push(t('chg_count_company', { n: n.company_fields }));
  if (n.activities_added) parts.push(t('chg_count_activities', { n: n.activities_added }));
  if (n.deals_moved) parts.push(t('chg_count_deals', { n: n.deals_moved }));
  if (n.contacts_added) parts.push(t('chg_count_contacts_added', { n: n.contacts_added }));
  if (n.contacts_left) parts.push(t('chg_count_contacts_left', { n: n.contacts_left }));
  if (n.other) parts.push(t('chg_count_other', { n: n.other }));
  return parts.join(' · ');
}

/**
 * The company page's panel: what others changed since this user last opened
 * the company (on this computer), including what arrived by sync. Opening
 * the page notes the visit, once per page view.
 */
export function ChangesPanel({ companyId }: { companyId: string }) {
  const { t, lang, wareki } = useI18n();
  const [changes, setChanges] = useState<CompanyChanges | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [open, setOpen] = useState(true);
  // One visit per page view (StrictMode runs effects twice in development).
  const noted = useRef<string | null>(null);
  useEffect(() => {
    if (noted.current === companyId) return;
    noted.current = companyId;
    companyChanges(companyId, true).then(setChanges, (e) => setError(api.toApiError(e)));
  }, [companyId]);
  if (error) return <div className="banner banner-error">{describeError(error, lang)}</div>;
  if (!changes || changes.entries.length === 0) {
    return changes?.seen_at != null ? (
      <p className="muted small" data-testid="changes-none">
        {t('chg_none_since', { at: formatTimestamp(changes.seen_at, wareki, lang) })}
      </p>
    ) : null;
  }
  return (
    <section className="card changes-panel" data-testid="changes-panel" aria-label={t('chg_title')}>
      <div className="changes-panel-head">
        <h3>
          🔔 {t('chg_title')} <span className="count">{changes.entries.length}{changes.truncated ? '+' : ''}</span>
        </h3>
        <span className="muted small">{t('chg_since', { at: formatTimestamp(changes.seen_at, wareki, lang) })}</span>
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="changes-toggle">
          {open ? t('chg_hide') : t('chg_show')}
        </button>
      </div>
      <p className="small" data-testid="changes-counts">{countsLine(changes, t)}</p>
      {open && (
        <ul className="plain changes-list">
          {changes.entries.map((e) => (
            <ChangeItem key={`${e.seq}-${e.company_id}`} e={e} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Companies this user opened before that others changed since: id → number of changes. */
export function useChangedCompanies(): Map<string, number> {
  const { revision, settings } = useAppData();
  const [changed, setChanged] = useState<Map<string, number>>(new Map());
  useEffect(() => {
    let alive = true;
    changedCompanies().then(
      (l) => alive && setChanged(new Map(l.map((c) => [c.company_id, c.changes]))),
      () => {
        /* the badge is a hint: the list works without it */
      },
    );
    return () => {
      alive = false;
    };
  }, [revision, settings?.current_user_id]);
  return changed;
}

/** The list badge: "更新あり" with the number of changes. */
export function ChangedBadge({ n }: { n: number | undefined }) {
  const { t } = useI18n();
  if (!n) return null;
  return (
    <span className="badge badge-warn changed-badge" title={t('chg_badge_title', { n })} data-testid="changed-badge">
      {t('chg_badge')} {n}
    </span>
  );
}
