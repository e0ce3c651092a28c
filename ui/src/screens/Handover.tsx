// 引き継ぎ (hand-over, issue 21 item 4): pick who leaves and who takes over,
// optionally only the companies in one prefecture or of one rank; the
// preview lists everything that moves with counts; apply is one step and
// can be undone.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData, useToast } from '../app/data';
import { href } from '../app/router';
import { ask } from '../confirm';
import { formatTimestamp, today } from '../dates';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';
import { PREFECTURES, prefectureLabel } from '../components/fields';
import { handoverApply, handoverPreview, handovers, handoverUndo, type Handover, type HandoverFilter, type HandoverPlan } from '../changes';
import type { HandoverItem } from '../bindings/HandoverItem';

/** Left the office: a 退職日 on or before today (as the core decides). */
function hasLeft(u: api.StoredOf<'user'>): boolean {
  return !!u.data.left_on && u.data.left_on <= today();
}

const ROUTES: Partial<Record<api.Kind, string>> = { company: 'company', contact: 'contact' };

function ItemList({ title, items, testid }: { title: DictKey; items: HandoverItem[]; testid: string }) {
  const { t, enumLabel } = useI18n();
  return (
    <section className="card" data-testid={testid}>
      <h3>
        {t(title)} <span className="count" data-testid={`${testid}-count`}>{items.length}</span>
      </h3>
      {items.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul className="plain">
          {items.map((i) => {
            const route = ROUTES[i.kind] ?? (i.company_id ? 'company' : null);
            const id = ROUTES[i.kind] ? i.id : i.company_id;
            return (
              <li key={i.id} data-testid="handover-item">
                {route && id ? <a href={href(route, id)}>{i.name}</a> : i.name}
                {i.company_name && i.company_name !== i.name && <small className="muted"> ({i.company_name})</small>}
                {i.detail && <small className="muted"> {enumLabel(i.detail) || i.detail}</small>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function HandoverScreen() {
  const { t, lang, wareki } = useI18n();
  const toast = useToast();
  const { users, bump } = useAppData();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filter, setFilter] = useState<HandoverFilter>({});
  const [plan, setPlan] = useState<HandoverPlan | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<Handover[]>([]);
  const reloadHistory = () => handovers().then(setHistory, () => {});
  useEffect(() => {
    void reloadHistory();
  }, []);
  useEffect(() => {
    setPlan(null);
    setError(null);
    if (!from || !to) return;
    let alive = true;
    handoverPreview(from, to, filter).then(
      (p) => alive && setPlan(p),
      (e) => alive && setError(api.toApiError(e)),
    );
    return () => {
      alive = false;
    };
  }, [from, to, filter]);
  const name = (id: string) => users.find((u) => u.id === id)?.display_name ?? id;
  const total = plan ? plan.counts.companies + plan.counts.contacts + plan.counts.deals + plan.counts.tasks : 0;
  const apply = async () => {
    if (!plan) return;
    if (!(await ask(t('ho_confirm', { from: plan.from_name, to: plan.to_name, n: total })))) return;
    setBusy(true);
    try {
      const h = await handoverApply(from, to, filter);
      toast(t('ho_done', { n: h.moved.length }));
      bump();
      setFilter({ ...filter });
      await reloadHistory();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const undo = async (h: Handover) => {
    setBusy(true);
    try {
      const u = await handoverUndo(h.id);
      toast(u.kept ? t('ho_undone_kept', { n: u.moved.length - u.kept, kept: u.kept }) : t('ho_undone', { n: u.moved.length }));
      bump();
      setFilter({ ...filter });
      await reloadHistory();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  const set = (k: keyof HandoverFilter, v: string) => setFilter((f) => ({ ...f, [k]: v || undefined }));
  return (
    <div className="page" data-testid="screen-handover">
      <div className="page-head">
        <div>
          <h1>{t('nav_handover')}</h1>
          <p className="muted">{t('ho_lead')}</p>
        </div>
      </div>
      <div className="card filters" role="group" aria-label={t('nav_handover')}>
        <label>
          {t('ho_from')}
          <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="ho-from">
            <option value="">—</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.display_name}
                {hasLeft(u) ? ` (${t('ho_left')})` : ''}
              </option>
            ))}
          </select>
        </label>
        <span aria-hidden>→</span>
        <label>
          {t('ho_to')}
          <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="ho-to">
            <option value="">—</option>
            {users
              .filter((u) => !hasLeft(u))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.display_name}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('ho_prefecture')}
          <select value={filter.prefecture ?? ''} onChange={(e) => set('prefecture', e.target.value)} data-testid="ho-prefecture">
            <option value="">{t('all')}</option>
            {PREFECTURES.map((p) => (
              <option key={p} value={p}>
                {prefectureLabel(p, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ho_rank')}
          <select value={filter.rank ?? ''} onChange={(e) => set('rank', e.target.value)} data-testid="ho-rank">
            <option value="">{t('all')}</option>
            {['A', 'B', 'C'].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <div className="banner banner-error" role="alert" data-testid="ho-error">
          {describeError(error, lang)}
        </div>
      )}
      {!from || !to ? (
        <p className="muted">{t('ho_pick')}</p>
      ) : (
        plan && (
          <>
            <div className="banner" data-testid="ho-summary">
              {t('ho_summary', {
                from: plan.from_name,
                to: plan.to_name,
                companies: plan.counts.companies,
                contacts: plan.counts.contacts,
                deals: plan.counts.deals,
                tasks: plan.counts.tasks,
                renewals: plan.counts.renewals,
              })}
              <p className="muted small">{t('ho_stays')}</p>
              <button className="btn btn-primary" disabled={busy || total === 0} onClick={() => void apply()} data-testid="ho-apply">
                {t('ho_apply', { n: total })}
              </button>
            </div>
            <div className="handover-grid">
              <ItemList title="ho_companies" items={plan.companies} testid="ho-companies" />
              <ItemList title="ho_contacts" items={plan.contacts} testid="ho-contacts" />
              <ItemList title="ho_deals" items={plan.deals} testid="ho-deals" />
              <ItemList title="ho_tasks" items={plan.tasks} testid="ho-tasks" />
              <ItemList title="ho_renewals" items={plan.renewals} testid="ho-renewals" />
            </div>
          </>
        )
      )}
      {history.length > 0 && (
        <section className="card" data-testid="ho-history">
          <h3>{t('ho_history')}</h3>
          <ul className="plain">
            {history.map((h) => (
              <li key={h.id} data-testid="ho-history-item">
                {formatTimestamp(h.made_at, wareki, lang)} {name(h.from_user_id)} → {name(h.to_user_id)}{' '}
                <small className="muted">
                  {t('ho_history_counts', { companies: h.counts.companies, contacts: h.counts.contacts, deals: h.counts.deals, tasks: h.counts.tasks })}
                </small>{' '}
                {h.undone_at != null ? (
                  <span className="muted small">{t('ho_undone_at', { at: formatTimestamp(h.undone_at, wareki, lang) })}</span>
                ) : (
                  <button className="btn btn-sm" disabled={busy} onClick={() => void undo(h)} data-testid="ho-undo">
                    {t('ho_undo')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
