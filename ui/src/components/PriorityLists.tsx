// Home's priorities (companies overdue for contact, dormant customers) and
// the company page's "この会社に提案できる商品" (issue 21): no chart here, so
// Home's start bundle stays without the charting library.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData } from '../app/data';
import { href } from '../app/router';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import * as reports from '../reports';
import type { Priorities } from '../bindings/Priorities';

const pct = (v: number, lang: string) => `${(v * 100).toLocaleString(lang, { maximumFractionDigits: 1 })}%`;

/** Home's sections: companies overdue for contact, and dormant customers. */
export function HomePriorities({ data }: { data: Priorities | undefined }) {
  const { t } = useI18n();
  if (!data) return null;
  return (
    <>
      <section className="card" data-testid="home-contact-overdue">
        <header className="card-head">
          <h2>{t('home_contact_overdue')}</h2>
          <span className="count">{data.contact_overdue_total}</span>
        </header>
        {data.contact_overdue.length === 0 ? (
          <p className="empty small">{t('none')}</p>
        ) : (
          <ul className="recent">
            {data.contact_overdue.map((d) => (
              <li key={d.company_id} data-testid="contact-overdue-row">
                <span className={`pill rank-${d.rank}`}>{d.rank}</span>{' '}
                <a href={href('company', d.company_id)}>{d.name}</a>
                {': '}
                <span className="muted">
                  {d.days_since != null ? t('prio_overdue_reason', { n: d.days_since, target: d.target_days }) : t('prio_never_reason', { target: d.target_days })}
                </span>
              </li>
            ))}
          </ul>
        )}
        <a className="btn-link" href="#/priorities">
          {t('nav_priorities')} →
        </a>
      </section>
      <section className="card" data-testid="home-dormant">
        <header className="card-head">
          <h2>{t('home_dormant', { n: data.dormant_days })}</h2>
          <span className="count">{data.dormant_total}</span>
        </header>
        {data.dormant.length === 0 ? (
          <p className="empty small">{t('none')}</p>
        ) : (
          <ul className="recent">
            {data.dormant.map((d) => (
              <li key={d.company_id} data-testid="dormant-row">
                <a href={href('company', d.company_id)}>{d.name}</a>
                {': '}
                <span className="muted">{d.days_since != null ? t('prio_dormant_reason', { n: d.days_since }) : t('prio_no_activity')}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** The company page's "この会社に提案できる商品": cross-sell with its reason, and up-sell. */
export function CrossSellPanel({ companyId }: { companyId: string }) {
  const { t, lang } = useI18n();
  const { revision } = useAppData();
  const [r, setR] = useState<reports.CrossSellReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    reports.crossSell(companyId).then(
      (x) => {
        setR(x);
        setError(null);
      },
      (e) => setError(describeError(api.toApiError(e), lang)),
    );
  }, [companyId, revision, lang]);
  return (
    <section className="card" data-testid="cross-sell">
      <header className="card-head">
        <h2>{t('cross_sell_title')}</h2>
      </header>
      {error && <p className="error small">{error}</p>}
      {r && r.suggestions.length === 0 && r.upsell.length === 0 && <p className="empty small">{t('cross_sell_none')}</p>}
      {r && (r.suggestions.length > 0 || r.upsell.length > 0) && (
        <ul className="recent">
          {r.suggestions.map((s) => (
            <li key={s.product_id} data-testid="cross-sell-item" data-id={s.product_id}>
              <a href={href('products', undefined, { open: s.product_id })}>
                <strong>{s.name}</strong>
              </a>
              <div className="muted small" data-testid="cross-sell-reason">
                {t('cross_sell_reason', { x: s.because_name, pct: pct(s.confidence, lang), y: s.name })} ·{' '}
                {t('cross_sell_lift', { lift: s.lift.toLocaleString(lang, { maximumFractionDigits: 2 }) })}
                {s.last_bought && <> · {t('cross_sell_last', { date: s.last_bought })}</>}
              </div>
            </li>
          ))}
          {r.upsell.map((u) => (
            <li key={`up-${u.product_id}`} data-testid="upsell-item" data-id={u.product_id}>
              <span className="pill">{t('upsell_badge')}</span>{' '}
              <a href={href('products', undefined, { open: u.product_id })}>
                <strong>{u.name}</strong>
              </a>
              <div className="muted small">{t('upsell_reason', { from: u.from_name, category: u.category })}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
