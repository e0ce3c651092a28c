// Issue 21 items 3, 6, 7 in the UI: this week's renewals and the reports
// shared with me on Home, the once-a-day renewal notification, related
// companies from both sides, the merged/acquired mark, the calendar feed's
// address and the lead-time settings.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData, useToast } from '../app/data';
import { href } from '../app/router';
import { formatDate, formatDateTime } from '../dates';
import { describeError } from '../errors';
import * as ft from '../followThrough';
import { useI18n, type Lang } from '../i18n';
import { saveFile } from '../transfer';
import { RefLink } from './RecordView';

/** 「複合機 保守契約（山田商事）: 更新日 2027-03-01 まで59日（60日前のお知らせ）」 */
export function renewalReason(a: ft.RenewalAlert, lang: Lang, wareki = false): string {
  const what = a.product_name || (lang === 'ja' ? '契約' : 'Contract');
  const date = formatDate(a.date, wareki, lang);
  if (lang === 'ja') {
    const kind = a.date_kind === 'renewal' ? '更新日' : '満了日';
    return `${what}（${a.company_name}）: ${kind} ${date} まで${a.days_left}日（${a.lead_days}日前のお知らせ）`;
  }
  const kind = a.date_kind === 'renewal' ? 'renewal' : 'expiry';
  return `${what} (${a.company_name}): ${kind} on ${date}, ${a.days_left} days left (${a.lead_days}-day reminder)`;
}

/** Home: 今週の更新 — contracts whose reminder (date − lead time) falls this week. */
export function HomeRenewalAlerts({ alerts }: { alerts: ft.RenewalAlert[] | undefined }) {
  const { t, lang, wareki } = useI18n();
  return (
    <section className="card" data-testid="home-renewal-alerts">
      <header className="card-head">
        <h2>{t('ft_renewals_week')}</h2>
        <span className="count">{alerts?.length ?? 0}</span>
      </header>
      {!alerts || alerts.length === 0 ? (
        <p className="empty small">{t('none')}</p>
      ) : (
        <ul className="plain">
          {alerts.map((a) => (
            <li key={a.purchase_id} data-testid="renewal-alert" data-id={a.purchase_id}>
              <a href={href('company', a.company_id, { tab: 'purchases' })}>{renewalReason(a, lang, wareki)}</a>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">
        <a href="#/settings">{t('ft_lead_times_link')}</a>
      </p>
    </section>
  );
}

/** Home: 情報報告書 shared with the current user (seed 001: the sheet is circulated). */
export function HomeSharedReports({ reports }: { reports: api.Stored[] | undefined }) {
  const { t, lang, wareki, enumLabel } = useI18n();
  const items = (reports ?? []) as api.StoredOf<'activity'>[];
  return (
    <section className="card" data-testid="home-shared-reports">
      <header className="card-head">
        <h2>{t('ft_shared_reports')}</h2>
        <span className="count">{items.length}</span>
      </header>
      {items.length === 0 ? (
        <p className="empty small">{t('ft_shared_reports_none')}</p>
      ) : (
        <ul className="recent">
          {items.map((r) => {
            const d = r.data;
            const scores = [
              d.factuality ? enumLabel(d.factuality) : null,
              d.credibility != null ? `${t('ft_credibility')} ${d.credibility}` : null,
              d.importance != null ? `${t('ft_importance')} ${d.importance}` : null,
              d.urgency != null ? `${t('ft_urgency')} ${d.urgency}` : null,
            ].filter(Boolean);
            return (
              <li key={r.id} data-testid="shared-report">
                <a href={href('activity', r.id)} className="recent-title">
                  {d.subject || r.display_name}
                </a>
                {d.company_id && (
                  <span className="muted">
                    <RefLink kind="company" id={d.company_id} />
                  </span>
                )}
                <span className="muted small">{scores.join(' · ')}</span>
                {r.created_by && (
                  <span className="muted small">
                    {t('ft_from')} <RefLink kind="user" id={r.created_by} />
                  </span>
                )}
                <time className="muted small">{formatDateTime(d.occurred_at, wareki, lang)}</time>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const RELATION_LABELS: Record<string, [string, string]> = {
  parent: ['親会社', 'Parent'],
  subsidiary: ['子会社', 'Subsidiary'],
  affiliate: ['関連会社', 'Affiliate'],
  merged_into: ['合併先', 'Merged into'],
  merged_from: ['吸収した会社', 'Merged in'],
  acquired_by: ['買収元', 'Acquired by'],
  acquired: ['買収した会社', 'Acquired'],
  moved_to: ['移転先', 'Moved to'],
  moved_from: ['移転元', 'Moved from'],
};

export function relationLabel(relation: string, lang: Lang): string {
  const l = RELATION_LABELS[relation];
  return l ? l[lang === 'ja' ? 0 : 1] : relation;
}

/** A company's relations from its side, including those recorded on the other company. */
export function RelatedCompanies({ companyId }: { companyId: string }) {
  const { t, lang, wareki } = useI18n();
  const { revision } = useAppData();
  const [rows, setRows] = useState<ft.RelatedCompany[] | null>(null);
  useEffect(() => {
    let alive = true;
    ft.companyRelations(companyId).then(
      (r) => alive && setRows(r),
      () => alive && setRows([]),
    );
    return () => {
      alive = false;
    };
  }, [companyId, revision]);
  return (
    <section className="card" data-testid="related-companies">
      <h3>{t('ft_related')}</h3>
      {!rows || rows.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul className="plain">
          {rows.map((r) => (
            <li key={`${r.relation_id}-${r.recorded_here}`} data-testid="related-company" data-relation={r.relation}>
              <span className="badge">{relationLabel(r.relation, lang)}</span>{' '}
              {r.company_id ? <a href={href('company', r.company_id)}>{r.name}</a> : <span>{r.name}</span>}
              {r.since && <small className="muted"> {formatDate(r.since, wareki, lang)}</small>}
              {!r.recorded_here && <small className="muted"> · {t('ft_recorded_there')}</small>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function fateText(f: ft.CompanyFate, lang: Lang, wareki: boolean): string {
  const since = f.since ? formatDate(f.since, wareki, lang) : '';
  if (lang === 'ja') {
    const verb = f.relation === 'merged_into' ? 'に合併' : 'が買収';
    return `${since ? `${since} ` : ''}${f.other_name}${verb}`;
  }
  const verb = f.relation === 'merged_into' ? 'Merged into' : 'Acquired by';
  return `${verb} ${f.other_name}${since ? ` (${since})` : ''}`;
}

/** 「2026年10月1日 丸山HDに合併」 on a company's page. */
export function CompanyFateBanner({ companyId }: { companyId: string }) {
  const { lang, wareki } = useI18n();
  const { revision } = useAppData();
  const [fate, setFate] = useState<ft.CompanyFate | null>(null);
  useEffect(() => {
    let alive = true;
    ft.companyFates([companyId]).then(
      (f) => alive && setFate(f[0] ?? null),
      () => alive && setFate(null),
    );
    return () => {
      alive = false;
    };
  }, [companyId, revision]);
  if (!fate) return null;
  return (
    <span className="badge badge-lost" data-testid="company-fate">
      {fate.other_company_id ? <a href={href('company', fate.other_company_id)}>{fateText(fate, lang, wareki)}</a> : fateText(fate, lang, wareki)}
    </span>
  );
}

/** The merged/acquired marks of the companies a list shows, by id. */
export function useCompanyFates(ids: string[]): Map<string, ft.CompanyFate> {
  const [fates, setFates] = useState<Map<string, ft.CompanyFate>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    let alive = true;
    ft.companyFates(ids).then(
      (f) => alive && setFates(new Map(f.map((x) => [x.company_id, x]))),
      () => alive && setFates(new Map()),
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return fates;
}

export function FateMark({ fate }: { fate: ft.CompanyFate | undefined }) {
  const { lang, wareki } = useI18n();
  if (!fate) return null;
  return (
    <span className="badge badge-lost small" data-testid="list-fate" title={fateText(fate, lang, wareki)}>
      {lang === 'ja' ? (fate.relation === 'merged_into' ? '合併' : '買収') : fate.relation === 'merged_into' ? 'Merged' : 'Acquired'}
    </span>
  );
}

/** Settings: the calendar feed's address (with copy), a new secret, and the feed as a file. */
export function CalendarFeedSection() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [token, setToken] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    ft.calendarFeedInfo().then(
      (i) => setToken(i.token),
      () => setToken(null),
    );
  }, []);
  const fail = (e: unknown) => toast(describeError(api.toApiError(e), lang), 'error');
  const renew = async () => {
    try {
      setToken((await ft.calendarNewToken()).token);
    } catch (e) {
      fail(e);
    }
  };
  const url = token ? ft.feedUrl(token) : '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      toast(t('ft_copied'));
    } catch (e) {
      fail(e);
    }
  };
  const exportFile = async () => {
    try {
      const feed = await ft.calendarFeed();
      const bytes = new TextEncoder().encode(feed.ics);
      let bin = '';
      bytes.forEach((b) => (bin += String.fromCharCode(b)));
      const path = await saveFile({ name: 'daifuku.ics', base64: btoa(bin) });
      toast(t('ft_exported', { n: feed.todos + feed.events }) + (path ? ` → ${path}` : ''));
    } catch (e) {
      fail(e);
    }
  };
  return (
    <section className="card card-span" data-testid="calendar-feed">
      <header className="card-head">
        <h2>{t('ft_calendar')}</h2>
      </header>
      <p className="muted small">{t('ft_calendar_lead')}</p>
      {token ? (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
          <input readOnly value={url} style={{ flex: 1, minWidth: 320 }} data-testid="calendar-url" onFocus={(e) => e.currentTarget.select()} />
          <button className="btn btn-primary btn-sm" onClick={() => void copy()} data-testid="calendar-copy">
            📋 {t('ft_copy')}
          </button>
          <button className="btn btn-sm" onClick={() => void renew()} data-testid="calendar-renew">
            {t('ft_new_address')}
          </button>
        </div>
      ) : (
        token === null && (
          <button className="btn btn-primary btn-sm" onClick={() => void renew()} data-testid="calendar-create">
            {t('ft_make_address')}
          </button>
        )
      )}
      {token && !/^https?:/.test(window.location.origin) && <p className="muted small">{t('ft_calendar_desktop')}</p>}
      <p className="small">
        <button className="btn btn-sm" onClick={() => void exportFile()} data-testid="calendar-export">
          📅 {t('ft_export_ics')}
        </button>
      </p>
    </section>
  );
}

/** Settings: the renewal reminders' lead times, overall and per product category. */
export function LeadTimesSection() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [defaults, setDefaults] = useState('');
  const [cats, setCats] = useState<{ category: string; days: string }[]>([]);
  const [errors, setErrors] = useState<api.ApiError | null>(null);
  const show = (l: ft.RenewalLeadTimes) => {
    setDefaults(l.default_days.join(', '));
    setCats(l.by_category.map((c) => ({ category: c.category, days: c.days.join(', ') })));
  };
  useEffect(() => {
    ft.leadTimes().then(show, () => undefined);
  }, []);
  const days = (s: string) =>
    s
      .split(/[,、\s]+/)
      .filter(Boolean)
      .map((x) => Number(x.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))));
  const save = async () => {
    try {
      const saved = await ft.setLeadTimes({
        default_days: days(defaults),
        by_category: cats.filter((c) => c.category.trim() || c.days.trim()).map((c) => ({ category: c.category, days: days(c.days) })),
      });
      show(saved);
      setErrors(null);
      toast(t('saved'));
    } catch (e) {
      setErrors(api.toApiError(e));
    }
  };
  return (
    <section className="card" data-testid="lead-times">
      <h2>{t('ft_lead_times')}</h2>
      <p className="muted small">{t('ft_lead_times_lead')}</p>
      <label className="field">
        <span>{t('ft_lead_default')}</span>
        <input value={defaults} onChange={(e) => setDefaults(e.target.value)} data-testid="lead-default" placeholder="90, 60, 30" />
      </label>
      {cats.map((c, i) => (
        <div key={i} style={{ display: 'flex', gap: 8 }} data-testid="lead-category">
          <input value={c.category} placeholder={t('ft_lead_category')} onChange={(e) => setCats(cats.map((x, j) => (j === i ? { ...x, category: e.target.value } : x)))} />
          <input value={c.days} placeholder="120, 60" onChange={(e) => setCats(cats.map((x, j) => (j === i ? { ...x, days: e.target.value } : x)))} />
          <button className="btn btn-sm" onClick={() => setCats(cats.filter((_, j) => j !== i))} aria-label={t('delete')}>
            ✕
          </button>
        </div>
      ))}
      {errors && (
        <p className="error small" role="alert" data-testid="lead-error">
          {describeError(errors, lang)}
        </p>
      )}
      <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
        <button className="btn btn-sm" onClick={() => setCats([...cats, { category: '', days: '' }])} data-testid="lead-add-category">
          + {t('ft_lead_add_category')}
        </button>
        <button className="btn btn-primary btn-sm" onClick={() => void save()} data-testid="lead-save">
          {t('save')}
        </button>
      </div>
    </section>
  );
}

/** How often the app asks whether today's renewal notification is due. */
const NOTIFY_EVERY_MS = 60 * 60 * 1000;

/**
 * The desktop notification of renewal reminders: when the app starts and
 * then hourly the core is asked (renewal_notify); it answers the reminders
 * once a day and remembers the day. Shown with the Tauri notification
 * plugin in the desktop app, with the browser's Notification where allowed.
 */
export function useRenewalNotifications() {
  const { lang, wareki } = useI18n();
  useEffect(() => {
    let stopped = false;
    const check = async () => {
      let alerts: ft.RenewalAlert[];
      try {
        alerts = await ft.renewalNotify();
      } catch {
        return;
      }
      if (stopped || alerts.length === 0) return;
      const title = lang === 'ja' ? `今週の契約更新 ${alerts.length}件` : `${alerts.length} contract renewals this week`;
      const body = alerts
        .slice(0, 5)
        .map((a) => renewalReason(a, lang, wareki))
        .join('\n');
      await showNotification(title, body);
    };
    void check();
    const timer = window.setInterval(() => void check(), NOTIFY_EVERY_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}

async function showNotification(title: string, body: string): Promise<void> {
  try {
    if (api.inTauri()) {
      const n = await import('@tauri-apps/plugin-notification');
      let granted = await n.isPermissionGranted();
      if (!granted) granted = (await n.requestPermission()) === 'granted';
      if (granted) n.sendNotification({ title, body });
    } else if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification(title, { body });
    }
  } catch {
    // A notification that cannot be shown is not an error: Home lists the same reminders.
  }
}

/** `#/purchase/<id>` (a search hit): the contract's company, on its 購入・契約 tab. */
export function PurchaseRedirect({ id }: { id: string }) {
  const { lang } = useI18n();
  const [error, setError] = useState<api.ApiError | null>(null);
  useEffect(() => {
    api.get('purchase', id).then(
      (p) => window.location.replace(href('company', p.data.company_id, { tab: 'purchases' })),
      (e) => setError(api.toApiError(e)),
    );
  }, [id]);
  return <div className="page">{error && <p className="error">{describeError(error, lang)}</p>}</div>;
}

// The list's mark, one row at a time: rows asking in the same tick are
// answered by one company_fates call (a virtual list renders a screenful at once).
let pending: Map<string, ((f: ft.CompanyFate | null) => void)[]> | null = null;

function fateOf(id: string): Promise<ft.CompanyFate | null> {
  return new Promise((resolve) => {
    if (!pending) {
      pending = new Map();
      queueMicrotask(() => {
        const batch = pending!;
        pending = null;
        ft.companyFates([...batch.keys()]).then(
          (fates) => {
            const by = new Map(fates.map((f) => [f.company_id, f]));
            batch.forEach((fns, k) => fns.forEach((fn) => fn(by.get(k) ?? null)));
          },
          () => batch.forEach((fns) => fns.forEach((fn) => fn(null))),
        );
      });
    }
    pending.set(id, [...(pending.get(id) ?? []), resolve]);
  });
}

/** 合併 / 買収 beside a company's name in lists. */
export function ListFate({ companyId }: { companyId: string }) {
  const { revision } = useAppData();
  const [fate, setFate] = useState<ft.CompanyFate | null>(null);
  useEffect(() => {
    let alive = true;
    fateOf(companyId).then((f) => alive && setFate(f));
    return () => {
      alive = false;
    };
  }, [companyId, revision]);
  return fate ? <FateMark fate={fate} /> : null;
}
