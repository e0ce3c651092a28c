import { useCallback, useMemo, useState } from 'react';
import * as api from '../api';
import { forgetName, useAppData, useMeta, useToast } from '../app/data';
import { href, navigate, useNewShortcut } from '../app/router';
import { ChildTable, useRecords } from '../components/ChildTable';
import { patchRecord, RecordForm } from '../components/RecordForm';
import { identityFormProps } from '../components/identity';
import { RecordView, RefLink, Stars } from '../components/RecordView';
import { Timeline } from '../components/Timeline';
import { Attachments } from '../components/Attachments';
import { formatDate, today } from '../dates';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';
import { LAYOUTS } from '../layouts';
import { Tabs, useRecord } from './CompanyPage';
import { ask } from '../confirm';
import { CorrectionReason, DiscloseButton, ProvisionList, UseStopButton, UseStoppedBanner } from '../components/Appi';
import * as appi from '../appi';
import { eraseContact, eraseParts } from '../erase';
import type { ErasePlan } from '../bindings/ErasePlan';
import { EraseBackups } from '../components/EraseBackups';

const TABS: [string, DictKey][] = [
  ['overview', 'tab_overview'],
  ['timeline', 'tab_timeline'],
  ['positions', 'tab_positions'],
  ['cards', 'tab_cards'],
];

export function ContactPage({ id, tab }: { id: string; tab: string }) {
  const { t, lang, enumLabel, kindLabel } = useI18n();
  const toast = useToast();
  const { bump, settings, schema } = useAppData();
  const meta = useMeta('contact');
  const { rec, setRec, error } = useRecord('contact', id);
  const [editing, setEditing] = useState(false);
  // 訂正 mode (issue 18, APPI Art. 34): the edit carries a reason to the audit trail.
  const [correcting, setCorrecting] = useState(false);
  const [reason, setReason] = useState('');
  // 消去 done; backups made before still hold the person (issue 18).
  const [erased, setErased] = useState<ErasePlan | null>(null);
  // The erase rewrites the whole file: seconds, minutes on a large database.
  const [erasing, setErasing] = useState(false);
  const byContact = useMemo(() => [{ field: 'contact_id', op: 'eq' as const, value: id }], [id]);
  const positions = useRecords('contact_position', byContact, { sort: 'from_date', desc: true });
  const cards = useRecords('card_exchange', byContact);
  const setTab = (k: string) => navigate('contact', id, { tab: k === 'overview' ? undefined : k });
  const companyId = rec?.data.company_id ?? undefined;
  useNewShortcut(useCallback(() => navigate('activity', 'new', { company: companyId, contact: id, kind: 'meeting' }), [companyId, id]));
  if (error) return <div className="banner banner-error">{describeError(error, lang)}</div>;
  if (!rec || !meta) return <p className="muted">{t('loading')}</p>;
  const d = rec.data;
  const del = async () => {
    if (!(await ask(`${rec.display_name}: ${t('confirm_delete')}`))) return;
    try {
      await api.remove('contact', id);
      toast(t('deleted_to_trash'));
      bump();
      navigate(d.company_id ? 'company' : 'contacts', d.company_id ?? undefined);
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  // 消去 (issue 18): what goes is asked of the core first and shown in the question.
  const erase = async () => {
    try {
      const plan = await eraseContact(id, true);
      const { list, where } = eraseParts(plan, t, (k) => kindLabel(schema.get(k), k));
      if (!(await ask(t('erase_question', { name: rec.display_name, list, where })))) return;
      setErasing(true);
      const done = await eraseContact(id, false).finally(() => setErasing(false));
      forgetName('contact', id);
      toast(t('erase_done'));
      if (done.backups.length > 0) setErased(done);
      else leave();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  const leave = () => {
    bump();
    navigate(d.company_id ? 'company' : 'contacts', d.company_id ?? undefined);
  };
  return (
    <div className="page" data-testid="screen-contact">
      {erased && <EraseBackups plan={erased} onDone={leave} />}
      <div className="record-head">
        <div className="record-title">
          <div className="crumbs">
            {d.company_id ? <RefLink kind="company" id={d.company_id} /> : <a href="#/contacts">{t('nav_contacts')}</a>} ›
          </div>
          <h1 data-testid="record-title">
            {rec.display_name}
            {(d.family_reading || d.given_reading) && <small className="reading">{[d.family_reading, d.given_reading].filter(Boolean).join(' ')}</small>}
          </h1>
          <div className="record-sub">
            <span data-testid="contact-position">{[d.department, d.title].filter(Boolean).join(' ・ ')}</span>
            {d.decision_role && <span className={`badge badge-${d.decision_role}`}>{enumLabel(d.decision_role)}</span>}
            {d.importance != null && <Stars n={d.importance} />}
            {d.email && <a href={`mailto:${d.email}`}>✉️ {d.email}</a>}
            {(d.phone || d.mobile) && <span className="muted">📞 {d.phone || d.mobile}</span>}
            {d.address_status && d.address_status !== 'ok' && <span className="badge badge-warn">{enumLabel(d.address_status)}</span>}
          </div>
        </div>
        <div className="record-actions">
          <a className="btn btn-primary" href={href('activity', 'new', { company: d.company_id ?? undefined, contact: id, kind: 'meeting' })} data-testid="contact-log-activity" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            + {t('add_activity')}
          </a>
          <button className="btn" onClick={() => (setTab('overview'), setCorrecting(false), setEditing(true))} data-testid="contact-edit">
            ✎ {t('edit')}
          </button>
          <button className="btn" onClick={() => (setTab('overview'), setCorrecting(true), setReason(''), setEditing(true))} data-testid="contact-correct">
            ✍ {t('appi_correct')}
          </button>
          <DiscloseButton id={id} />
          <UseStopButton id={id} data={d} onChange={(r) => setRec(r as api.StoredOf<'contact'>)} />
          <button className="btn btn-ghost danger" onClick={() => void del()} data-testid="contact-delete">
            🗑
          </button>
          <button className="btn btn-ghost danger" onClick={() => void erase()} disabled={erasing} data-testid="contact-erase" title={t('erase_title')}>
            {erasing ? t('erase_running') : t('erase_button')}
          </button>
        </div>
      </div>
      <UseStoppedBanner data={d} />
      <Tabs tabs={TABS} current={tab} onChange={setTab} counts={{ positions: positions.rows?.length, cards: cards.rows?.length }} />
      <div className="tab-body">
        {tab === 'overview' &&
          (editing ? (
            <div className="card">
              {correcting && <CorrectionReason value={reason} onChange={setReason} />}
              <RecordForm
                defs={meta.fields.filter((f) => f.section !== 'appi')}
                initial={d as unknown as Record<string, unknown>}
                sectioned
                sectionOrder={LAYOUTS.contact?.sections}
                testid="contact-form"
                {...identityFormProps('contact', id)}
                onCancel={() => (setEditing(false), setCorrecting(false))}
                save={async (data) => {
                  const saved = correcting ? await correctRecord(rec, data, reason) : await patchRecord('contact', rec as never, data);
                  forgetName('contact', id);
                  setRec(saved as api.StoredOf<'contact'>);
                  setEditing(false);
                  setCorrecting(false);
                  toast(t('saved'));
                  bump();
                }}
              />
            </div>
          ) : (
            <div className="overview">
              <RecordView defs={meta.fields} data={d as unknown as Record<string, unknown>} sectionOrder={LAYOUTS.contact?.sections} testid="contact-view" />
              <aside className="overview-side">
                <section className="card">
                  <h3>{t('tab_positions')}</h3>
                  <PositionList rows={positions.rows} />
                </section>
                <Attachments ownerKind="contact" ownerId={id} />
                <ProvisionList contactId={id} />
                <section className="card">
                  <h3>{t('tab_timeline')}</h3>
                  <Timeline owner={{ kind: 'contact', id }} testid="overview-timeline" />
                </section>
              </aside>
            </div>
          ))}
        {tab === 'timeline' && (
          <div className="card">
            <Timeline owner={{ kind: 'contact', id }} testid="contact-timeline" />
          </div>
        )}
        {tab === 'positions' && (
          <div className="card">
            <p className="muted small">{t('position_note')}</p>
            <ChildTable
              kind="contact_position"
              rows={positions.rows}
              columns={['department', 'title', 'from_date', 'to_date']}
              preset={{ contact_id: id }}
              testid="positions"
              rowClass={(p) => (p.data.to_date ? 'row-past' : 'row-current')}
            />
          </div>
        )}
        {tab === 'cards' && (
          <div className="card">
            <ChildTable
              kind="card_exchange"
              rows={cards.rows}
              columns={['exchanged_on', 'place', 'our_user_id', 'importance', 'context']}
              preset={{ contact_id: id }}
              initial={{ exchanged_on: today(), our_user_id: settings?.current_user_id ?? '' }}
              addLabel={t('add_card')}
              testid="card-exchanges"
            />
          </div>
        )}
      </div>
    </div>
  );
}

/** 訂正: the changed fields with the reason (an unchanged form still needs saving as a correction). */
function correctRecord(rec: api.StoredOf<'contact'>, data: Record<string, unknown>, reason: string) {
  const stored = rec.data as unknown as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (JSON.stringify(stored[k] ?? null) !== JSON.stringify(v)) changed[k] = v;
  }
  return appi.correct(rec.id, rec.version, changed, reason);
}

function PositionList({ rows }: { rows: api.StoredOf<'contact_position'>[] | null }) {
  const { t, lang, wareki } = useI18n();
  if (!rows) return <p className="muted small">{t('loading')}</p>;
  if (rows.length === 0) return <p className="muted small">{t('none')}</p>;
  return (
    <ol className="positions" data-testid="position-history">
      {rows.map((p) => (
        <li key={p.id} className={p.data.to_date ? 'past' : 'current'} data-testid="position-item">
          <span className="pos-title">{[p.data.department, p.data.title].filter(Boolean).join(' ・ ') || '—'}</span>
          <small className="muted">
            {formatDate(p.data.from_date, wareki, lang) || '?'} {lang === 'ja' ? '〜' : '–'} {p.data.to_date ? formatDate(p.data.to_date, wareki, lang) : t('current')}
          </small>
        </li>
      ))}
    </ol>
  );
}
