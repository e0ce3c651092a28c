import { useCallback, useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import { forgetName, useAppData, useMeta, useToast } from '../app/data';
import { href, navigate, useNewShortcut } from '../app/router';
import { BarChart } from '../components/BarChart';
import { ChildTable, useRecords } from '../components/ChildTable';
import { patchRecord, RecordForm } from '../components/RecordForm';
import { identityFormProps } from '../components/identity';
import { RecordView, RefLink } from '../components/RecordView';
import { Timeline } from '../components/Timeline';
import { Attachments } from '../components/Attachments';
import { PrintButton } from '../components/PrintButton';
import { today } from '../dates';
import { describeError } from '../errors';
import { formatNumber, formatYen } from '../format';
import { useI18n, type DictKey } from '../i18n';
import { LAYOUTS } from '../layouts';
import { toggleTask } from './Home';
import { CrossSellPanel } from '../components/PriorityLists';
import { ask } from '../confirm';
import { deletePreview, groupWords } from '../trash';
import { CompanyFateBanner, RelatedCompanies } from '../components/FollowThrough';
import { ChangesPanel } from '../components/ChangesPanel';

const TABS: [string, DictKey][] = [
  ['overview', 'tab_overview'],
  ['timeline', 'tab_timeline'],
  ['contacts', 'tab_contacts'],
  ['deals', 'tab_deals'],
  ['purchases', 'tab_purchases'],
  ['tasks', 'tab_tasks'],
  ['finance', 'tab_finance'],
  ['relations', 'tab_relations'],
];

export function useRecord<K extends api.Kind>(kind: K, id: string) {
  const { revision } = useAppData();
  const [rec, setRec] = useState<api.StoredOf<K> | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const reload = useCallback(() => {
    api.get(kind, id).then(
      (r) => {
        setRec(r);
        setError(null);
      },
      (e) => setError(api.toApiError(e)),
    );
  }, [kind, id]);
  useEffect(reload, [reload, revision]);
  return { rec, setRec, error, reload };
}

export function Tabs({ tabs, current, onChange, counts }: { tabs: [string, DictKey][]; current: string; onChange: (t: string) => void; counts?: Record<string, number | undefined> }) {
  const { t } = useI18n();
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([k, label]) => (
        <button
          key={k}
          role="tab"
          aria-selected={current === k}
          className={current === k ? 'on' : ''}
          onClick={() => onChange(k)}
          data-testid={`tab-${k}`}
        >
          {t(label)}
          {counts?.[k] != null && <span className="count">{counts[k]}</span>}
        </button>
      ))}
    </div>
  );
}

export function CompanyPage({ id, tab }: { id: string; tab: string }) {
  const { t, lang, enumLabel, label } = useI18n();
  const toast = useToast();
  const { bump } = useAppData();
  const meta = useMeta('company');
  const { rec, setRec, error } = useRecord('company', id);
  const [editing, setEditing] = useState(false);
  const byCompany = useMemo(() => [{ field: 'company_id', op: 'eq' as const, value: id }], [id]);
  const contacts = useRecords('contact', byCompany);
  const deals = useRecords('deal', byCompany);
  const purchases = useRecords('purchase', byCompany);
  const tasks = useRecords('task', byCompany, { sort: 'due' });
  const financials = useRecords('company_financial', byCompany, { sort: 'fiscal_year', desc: false });
  const relations = useRecords('company_relation', byCompany);
  const setTab = (k: string) => navigate('company', id, { tab: k === 'overview' ? undefined : k });
  useNewShortcut(
    useCallback(() => {
      navigate('activity', 'new', { company: id, kind: 'meeting' });
    }, [id]),
  );
  if (error) return <div className="banner banner-error">{describeError(error, lang)}</div>;
  if (!rec || !meta) return <p className="muted">{t('loading')}</p>;
  const d = rec.data;
  const del = async () => {
    // The confirmation says what goes along (issue 19: the company's group).
    const preview = await deletePreview('company', id).catch(() => null);
    const what = preview ? groupWords(preview.with, t) : '';
    const question = what ? t('confirm_delete_company', { name: rec.display_name, what }) : `${rec.display_name}: ${t('confirm_delete')}`;
    if (!(await ask(question))) return;
    try {
      await api.remove('company', id);
      toast(what ? t('deleted_company_with', { name: rec.display_name, what }) : t('deleted_to_trash'));
      bump();
      navigate('companies');
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  const contactChoices = (contacts.rows ?? []).map((c) => ({ id: c.id, label: c.display_name }));
  const contactFilter = { contact_id: byCompany, deal_id: byCompany };
  return (
    <div className="page" data-testid="screen-company">
      <div className="record-head">
        <div className="record-title">
          <div className="crumbs">
            <a href="#/companies">{t('nav_companies')}</a> ›
          </div>
          <h1 data-testid="record-title">{rec.display_name}</h1>
          <div className="record-sub">
            {d.name_reading && <span className="muted">{d.name_reading}</span>}
            {d.status && <span className={`badge badge-${d.status}`}>{enumLabel(d.status)}</span>}
            {d.rank && <span className={`rank rank-${d.rank}`}>{d.rank}</span>}
            <CompanyFateBanner companyId={id} />
            {d.owner_id && (
              <span className="muted">
                👤 <RefLink kind="user" id={d.owner_id} />
              </span>
            )}
            {d.prefecture && (
              <span className="muted">
                📍 {d.prefecture}
                {d.city}
              </span>
            )}
            {d.phone && <span className="muted">📞 {d.phone}</span>}
            {d.address_status && d.address_status !== 'ok' && <span className="badge badge-warn">{enumLabel(d.address_status)}</span>}
          </div>
        </div>
        <div className="record-actions">
          <a className="btn btn-primary" href={href('activity', 'new', { company: id, kind: 'meeting' })} data-testid="company-log-activity" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            + {t('add_activity')}
          </a>
          <PrintButton cmd={() => ({ cmd: 'print_company', id })} testid="company-print" />
          <button className="btn" onClick={() => (setTab('overview'), setEditing(true))} data-testid="company-edit">
            ✎ {t('edit')}
          </button>
          <button className="btn btn-ghost danger" onClick={() => void del()} data-testid="company-delete">
            🗑
          </button>
        </div>
      </div>
      <ChangesPanel companyId={id} />
      <Tabs
        tabs={TABS}
        current={tab}
        onChange={setTab}
        counts={{
          contacts: contacts.rows?.length,
          deals: deals.rows?.length,
          purchases: purchases.rows?.length,
          tasks: tasks.rows?.filter((x) => !x.data.done).length,
          finance: financials.rows?.length,
          relations: relations.rows?.length,
        }}
      />
      <div className="tab-body">
        {tab === 'overview' &&
          (editing ? (
            <div className="card">
              <RecordForm
                defs={meta.fields}
                initial={d as unknown as Record<string, unknown>}
                sectioned
                sectionOrder={LAYOUTS.company?.sections}
                testid="company-form"
                {...identityFormProps('company', id)}
                onCancel={() => setEditing(false)}
                save={async (data) => {
                  const saved = await patchRecord('company', rec as never, data);
                  forgetName('company', id);
                  setRec(saved as api.StoredOf<'company'>);
                  setEditing(false);
                  toast(t('saved'));
                  bump();
                }}
              />
            </div>
          ) : (
            <div className="overview">
              <RecordView defs={meta.fields} data={d as unknown as Record<string, unknown>} sectionOrder={LAYOUTS.company?.sections} testid="company-view" />
              <aside className="overview-side">
                <section className="card">
                  <h3>{t('tab_contacts')}</h3>
                  {(contacts.rows ?? []).length === 0 ? (
                    <p className="muted small">{t('none')}</p>
                  ) : (
                    <ul className="plain people">
                      {contacts.rows!.slice(0, 8).map((c) => (
                        <li key={c.id}>
                          <a href={href('contact', c.id)}>{c.display_name}</a>
                          <small className="muted"> {[c.data.department, c.data.title].filter(Boolean).join(' ')}</small>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <CrossSellPanel companyId={id} />
                <Attachments ownerKind="company" ownerId={id} />
                <section className="card">
                  <h3>{t('tab_timeline')}</h3>
                  <Timeline owner={{ kind: 'company', id }} testid="overview-timeline" />
                </section>
              </aside>
            </div>
          ))}
        {tab === 'timeline' && (
          <div className="card">
            <div className="table-actions">
              {(['meeting', 'inquiry', 'call', 'visit', 'email', 'info_report'] as const).map((k) => (
                <a key={k} className="btn btn-sm" href={href('activity', 'new', { company: id, kind: k })} data-testid={`new-${k}`}>
                  + {enumLabel(k)}
                </a>
              ))}
            </div>
            <Timeline owner={{ kind: 'company', id }} testid="company-timeline" />
          </div>
        )}
        {tab === 'contacts' && (
          <div className="card">
            <ChildTable
              kind="contact"
              rows={contacts.rows}
              columns={['family_name', 'given_name', 'department', 'title', 'decision_role', 'email', 'phone', 'importance']}
              preset={{ company_id: id }}
              addLabel={t('add_contact')}
              onOpen={(c) => navigate('contact', c.id)}
              testid="company-contacts"
            />
          </div>
        )}
        {tab === 'deals' && (
          <div className="card">
            <ChildTable
              kind="deal"
              rows={deals.rows}
              columns={['title', 'stage', 'amount', 'probability', 'expected_close', 'owner_id', 'contact_id']}
              preset={{ company_id: id }}
              initial={{ stage: 'lead' }}
              addLabel={t('add_deal')}
              choices={{ contact_id: contactChoices }}
              testid="company-deals"
            />
          </div>
        )}
        {tab === 'purchases' && (
          <div className="card">
            <ChildTable
              kind="purchase"
              rows={purchases.rows}
              columns={['product_name', 'product_id', 'amount', 'contract_date', 'expiry_date', 'renewal_date', 'delivery_date', 'status']}
              preset={{ company_id: id }}
              initial={{ contract_date: today(), status: 'active' }}
              addLabel={t('add_purchase')}
              choices={{ contact_id: contactChoices }}
              refFilters={contactFilter}
              testid="company-purchases"
            />
          </div>
        )}
        {tab === 'tasks' && (
          <div className="card">
            <ChildTable
              kind="task"
              rows={tasks.rows}
              columns={['title', 'due', 'assignee_id', 'contact_id', 'done', 'done_on']}
              preset={{ company_id: id }}
              initial={{ due: today() }}
              addLabel={t('add_task')}
              choices={{ contact_id: contactChoices }}
              refFilters={contactFilter}
              rowClass={(x) => (!x.data.done && x.data.due && x.data.due < today() ? 'row-overdue' : '')}
              extraCell={(x) => (
                <input
                  type="checkbox"
                  checked={x.data.done}
                  aria-label={t('tasks_done')}
                  data-testid="task-done"
                  onChange={async () => {
                    try {
                      await toggleTask(x);
                      bump();
                    } catch (e) {
                      toast(describeError(api.toApiError(e), lang), 'error');
                    }
                  }}
                />
              )}
              testid="company-tasks"
            />
          </div>
        )}
        {tab === 'finance' && (
          <div className="card">
            {(financials.rows ?? []).length > 0 && (
              <BarChart
                categories={financials.rows!.map((f) => String(f.data.fiscal_year))}
                series={[
                  { label: t('chart_revenue'), className: 'bar-a', values: financials.rows!.map((f) => f.data.revenue) },
                  { label: t('chart_profit'), className: 'bar-b', values: financials.rows!.map((f) => f.data.ordinary_profit) },
                ]}
                format={(n) => `${formatNumber(Math.round(n / 1_000_000), lang)}${lang === 'ja' ? '百万' : 'M'}`}
                testid="finance-chart"
              />
            )}
            <ChildTable
              kind="company_financial"
              rows={financials.rows ? [...financials.rows].reverse() : null}
              columns={['fiscal_year', 'revenue', 'ordinary_profit', 'department_sales', 'notes']}
              preset={{ company_id: id }}
              initial={{ fiscal_year: new Date().getFullYear() - 1 }}
              addLabel={t('add_financial')}
              testid="company-financials"
            />
            {d.capital != null && (
              <p className="muted small">
                {label(meta.fields.find((f) => f.name === 'capital') ?? { label_ja: '', label_en: '' })}: {formatYen(d.capital, lang)}
              </p>
            )}
          </div>
        )}
        {tab === 'relations' && <RelatedCompanies companyId={id} />}
        {tab === 'relations' && (
          <div className="card">
            <ChildTable
              kind="company_relation"
              rows={relations.rows}
              columns={['relation', 'related_company_id', 'related_name', 'since', 'notes']}
              preset={{ company_id: id }}
              addLabel={t('add_relation')}
              testid="company-relations"
            />
          </div>
        )}
      </div>
    </div>
  );
}
