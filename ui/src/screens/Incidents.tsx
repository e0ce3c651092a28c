// 漏えい等の報告 (issue 18 item 4; APPI Art. 26, rules 7–8): the incident
// register. Each entry says whether a report to the Commission is due, why,
// and by when (preliminary promptly, about 3–5 days; final within 30 days,
// 60 in malicious cases); strongly encrypted data is exempt, and the screen
// says so when this computer's database is encrypted.

import { useEffect, useState } from 'react';
import * as api from '../api';
import * as appi from '../appi';
import { useAppData, useToast } from '../app/data';
import { today } from '../dates';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';

const FLAGS = ['sensitive', 'unauthorized_access', 'financial_harm', 'malicious', 'encrypted'] as const;
type Flag = (typeof FLAGS)[number];

function blank(encrypted: boolean): appi.IncidentInput {
  return {
    discovered_on: today(),
    what: '',
    people: 0,
    sensitive: false,
    unauthorized_access: false,
    encrypted,
    financial_harm: false,
    malicious: false,
  };
}

export function IncidentsScreen() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const { revision, bump } = useAppData();
  const [reg, setReg] = useState<appi.IncidentRegister | null>(null);
  const [form, setForm] = useState<appi.IncidentInput | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  useEffect(() => {
    let alive = true;
    appi.incidents().then(
      (r) => alive && setReg(r),
      (e) => alive && setError(api.toApiError(e)),
    );
    return () => {
      alive = false;
    };
  }, [revision]);
  const save = async () => {
    if (!form) return;
    setError(null);
    try {
      await appi.addIncident({ ...form, people: Number(form.people) || 0 });
      setForm(null);
      toast(t('inc_saved'));
      bump();
    } catch (e) {
      setError(api.toApiError(e));
    }
  };
  return (
    <div className="page" data-testid="screen-incidents">
      <header className="page-head">
        <h1>{t('inc_title')}</h1>
        <button className="btn btn-primary" onClick={() => setForm(blank(reg?.database_encrypted ?? false))} data-testid="incident-new">
          + {t('inc_new')}
        </button>
      </header>
      <p className="muted small">{t('inc_lead')}</p>
      {reg?.database_encrypted && (
        <p className="banner" data-testid="incident-db-encrypted">
          🔐 {t('inc_db_encrypted')}
        </p>
      )}
      {error && (
        <p className="banner banner-error" role="alert">
          {describeError(error, lang)}
        </p>
      )}
      {form && (
        <section className="card" data-testid="incident-form">
          <label className="field">
            <span>{t('inc_discovered_on')}</span>
            <input type="date" value={form.discovered_on} onChange={(e) => setForm({ ...form, discovered_on: e.target.value })} data-testid="incident-discovered" />
          </label>
          <label className="field">
            <span>{t('inc_what')}</span>
            <textarea value={form.what} onChange={(e) => setForm({ ...form, what: e.target.value })} rows={3} data-testid="incident-what" />
          </label>
          <label className="field">
            <span>{t('inc_people')}</span>
            <input type="number" min={0} value={form.people} onChange={(e) => setForm({ ...form, people: Number(e.target.value) })} data-testid="incident-people" />
          </label>
          {FLAGS.map((f: Flag) => (
            <label key={f} className="check">
              <input type="checkbox" checked={Boolean(form[f])} onChange={(e) => setForm({ ...form, [f]: e.target.checked })} data-testid={`incident-${f}`} />
              {t(`inc_flag_${f}` as DictKey)}
            </label>
          ))}
          <div className="form-actions">
            <button className="btn" onClick={() => setForm(null)}>
              {t('cancel')}
            </button>
            <button className="btn btn-primary" onClick={() => void save()} data-testid="incident-save">
              {t('save')}
            </button>
          </div>
        </section>
      )}
      {!reg ? (
        <p className="muted">{t('loading')}</p>
      ) : reg.incidents.length === 0 ? (
        <p className="muted">{t('inc_empty')}</p>
      ) : (
        <ul className="plain" data-testid="incident-list">
          {reg.incidents.map((i) => (
            <li key={i.id} className="card" data-testid="incident-item">
              <h3>
                {i.discovered_on} — {i.what}
              </h3>
              <p className="small">{t('inc_people_n', { n: String(i.people) })}</p>
              <Verdict a={i.assessment} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Verdict({ a }: { a: appi.Incident['assessment'] }) {
  const { t } = useI18n();
  const reasons = a.reasons.map((r) => t(`inc_reason_${r}` as DictKey)).join('・');
  if (a.report_due) {
    return (
      <div className="banner banner-error" data-testid="incident-verdict" data-due="yes">
        <p>
          <strong>{t('inc_due')}</strong>({reasons})
        </p>
        <p className="small">{t('inc_preliminary', { date: a.preliminary_by ?? '' })}</p>
        <p className="small">{t('inc_final', { date: a.final_by ?? '', n: String(a.final_days ?? '') })}</p>
        <p className="small muted">{t('inc_notify_people')}</p>
      </div>
    );
  }
  if (a.exempt_encrypted) {
    return (
      <p className="banner" data-testid="incident-verdict" data-due="exempt">
        {t('inc_exempt', { reasons })}
      </p>
    );
  }
  return (
    <p className="muted small" data-testid="incident-verdict" data-due="no">
      {t('inc_not_due')}
    </p>
  );
}
