// The company and contact lists: one virtualized list engine, filters that
// become ListQuery.filters, a free-text box and the あいうえお bar. The text box
// uses the core's search (readings in any kana, ㈱/株式会社, phone numbers in any
// notation, through the search indexes: no table scan), as an `id in` filter.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from '../api';
import type { Filter } from '../bindings/Filter';
import { useAppData, useMeta } from '../app/data';
import { navigate, useNewShortcut } from '../app/router';
import { PREFECTURES, prefectureLabel } from '../components/fields';
import { RecordDialog } from '../components/RecordDialog';
import { ListTransferTools } from '../components/Transfer';
import { RefLink } from '../components/RecordView';
import { KanaBar, VirtualList, type Column, type ListHandle } from '../components/VirtualList';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { ChangedBadge, useChangedCompanies } from '../components/ChangesPanel';
import { ListFate } from '../components/FollowThrough';

export function useDebounced<T>(value: T, ms = 200): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

/**
 * The list filter of a text typed in a list's box: the ids the core's search
 * finds for it (at most `api.LIST_SEARCH_LIMIT`), or null when the box is
 * empty. While a new search runs, the previous filter stays.
 */
export function useSearchFilter(kind: api.Kind, text: string): { filter: Filter | null; capped: boolean } {
  const q = text.trim();
  const [found, setFound] = useState<{ q: string; ids: string[] } | null>(null);
  useEffect(() => {
    if (!q) {
      setFound(null);
      return;
    }
    let alive = true;
    api.searchIds(kind, q).then(
      (ids) => alive && setFound({ q, ids }),
      () => alive && setFound({ q, ids: [] }),
    );
    return () => {
      alive = false;
    };
  }, [kind, q]);
  return useMemo(() => {
    if (!q || !found) return { filter: null, capped: false };
    return { filter: { field: 'id', op: 'in', value: found.ids }, capped: found.ids.length >= api.LIST_SEARCH_LIMIT };
  }, [q, found]);
}

function fieldLabelOf(meta: ReturnType<typeof useMeta>, name: string, lang: 'ja' | 'en'): string {
  const f = meta?.fields.find((x) => x.name === name);
  return f ? (lang === 'ja' ? f.label_ja : f.label_en) : name;
}

export function CompaniesScreen() {
  const { t, lang, enumLabel } = useI18n();
  const changed = useChangedCompanies();
  const meta = useMeta('company');
  const { users } = useAppData();
  const [q, setQ] = useState('');
  const [f, setF] = useState({ status: '', rank: '', owner_id: '', tag: '', prefecture: '', industry: '' });
  const [total, setTotal] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const handle = useRef<ListHandle | null>(null);
  const dq = useDebounced(q);
  const text = useSearchFilter('company', dq);
  const dIndustry = useDebounced(f.industry);
  const dTag = useDebounced(f.tag);
  const query = useMemo(() => {
    const filters: Filter[] = [];
    if (f.status) filters.push({ field: 'status', op: 'eq', value: f.status });
    if (f.rank) filters.push({ field: 'rank', op: 'eq', value: f.rank });
    if (f.owner_id) filters.push({ field: 'owner_id', op: 'eq', value: f.owner_id });
    if (f.prefecture) filters.push({ field: 'prefecture', op: 'eq', value: f.prefecture });
    if (dTag.trim()) filters.push({ field: 'tags', op: 'has', value: dTag.trim() });
    if (dIndustry.trim()) filters.push({ field: 'industry', op: 'contains', value: dIndustry.trim() });
    if (text.filter) filters.push(text.filter);
    return { filters } satisfies Partial<api.ListQuery>;
  }, [f.status, f.rank, f.owner_id, f.prefecture, dTag, dIndustry, text.filter]);
  useNewShortcut(useCallback(() => setAdding(true), []));
  const L = (n: string) => fieldLabelOf(meta, n, lang);
  const columns: Column<'company'>[] = [
    {
      key: 'name',
      header: L('name'),
      width: 'minmax(220px, 2.4fr)',
      render: (s) => (
        <div className="two-line">
          <strong>
            {s.data.name} <ChangedBadge n={changed.get(s.id)} /> <ListFate companyId={s.id} />
          </strong>
          <small className="muted">{s.data.name_reading}</small>
        </div>
      ),
    },
    { key: 'status', header: L('status'), width: '96px', render: (s) => s.data.status && <span className={`badge badge-${s.data.status}`}>{enumLabel(s.data.status)}</span> },
    { key: 'rank', header: L('rank'), width: '64px', className: 'center', render: (s) => s.data.rank && <span className={`rank rank-${s.data.rank}`}>{s.data.rank}</span> },
    { key: 'pref', header: L('prefecture'), width: '120px', render: (s) => [s.data.prefecture, s.data.city].filter(Boolean).join(' ') },
    { key: 'industry', header: L('industry'), width: 'minmax(100px, 1fr)', render: (s) => s.data.industry },
    { key: 'owner', header: L('owner_id'), width: '110px', render: (s) => <RefLink kind="user" id={s.data.owner_id} /> },
    { key: 'phone', header: L('phone'), width: '140px', render: (s) => s.data.phone },
    {
      key: 'tags',
      header: L('tags'),
      width: 'minmax(100px, 1fr)',
      render: (s) => (
        <span className="chips nowrap">
          {s.data.tags.slice(0, 3).map((x) => (
            <span className="chip chip-sm" key={x}>
              {x}
            </span>
          ))}
        </span>
      ),
    },
  ];
  const statusDef = meta?.fields.find((x) => x.name === 'status');
  const set = (k: keyof typeof f, v: string) => setF((o) => ({ ...o, [k]: v }));
  const anyFilter = q || Object.values(f).some(Boolean);
  return (
    <div className="page page-list" data-testid="screen-companies">
      <div className="page-head">
        <div>
          <h1>{t('nav_companies')}</h1>
          <p className="muted" data-testid="list-total">
            {total == null ? t('loading') : t('rows', { n: formatNumber(total, lang) })}
          </p>
        </div>
        <div className="page-actions">
          <ListTransferTools kind="company" query={query} />
          <button className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-company" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            + {t('add_company')}
          </button>
        </div>
      </div>
      <div className="filters" role="search">
        <input className="filter-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('filter_text')} data-testid="filter-q" />
        <select value={f.status} onChange={(e) => set('status', e.target.value)} data-testid="filter-status" aria-label={L('status')}>
          <option value="">{L('status')}: {t('all')}</option>
          {statusDef?.type === 'enum' &&
            statusDef.values.map((v) => (
              <option key={v} value={v}>
                {enumLabel(v)}
              </option>
            ))}
        </select>
        <select value={f.rank} onChange={(e) => set('rank', e.target.value)} data-testid="filter-rank" aria-label={L('rank')}>
          <option value="">{L('rank')}: {t('all')}</option>
          {['A', 'B', 'C'].map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <select value={f.owner_id} onChange={(e) => set('owner_id', e.target.value)} data-testid="filter-owner" aria-label={L('owner_id')}>
          <option value="">{L('owner_id')}: {t('all')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.display_name}
            </option>
          ))}
        </select>
        <select value={f.prefecture} onChange={(e) => set('prefecture', e.target.value)} data-testid="filter-prefecture" aria-label={L('prefecture')}>
          <option value="">{L('prefecture')}: {t('all')}</option>
          {PREFECTURES.map((p) => (
            <option key={p} value={p}>
              {prefectureLabel(p, lang)}
            </option>
          ))}
        </select>
        <input value={f.industry} onChange={(e) => set('industry', e.target.value)} placeholder={L('industry')} data-testid="filter-industry" className="filter-sm" />
        <input value={f.tag} onChange={(e) => set('tag', e.target.value)} placeholder={t('tag')} data-testid="filter-tag" className="filter-sm" />
        {anyFilter && (
          <button
            className="btn-link"
            onClick={() => {
              setQ('');
              setF({ status: '', rank: '', owner_id: '', tag: '', prefecture: '', industry: '' });
            }}
          >
            {t('clear_filters')}
          </button>
        )}
      </div>
      {text.capped && (
        <p className="muted small list-capped" data-testid="list-search-capped">
          {t('list_search_capped', { n: api.LIST_SEARCH_LIMIT })}
        </p>
      )}
      <div className="list-with-index">
        <VirtualList kind="company" query={query} columns={columns} onOpen={(s) => navigate('company', s.id)} handle={handle} onTotal={setTotal} testid="company-list" rowHeight={48} />
        <KanaBar kind="company" query={query} handle={handle} />
      </div>
      {adding && <RecordDialog kind="company" onClose={() => setAdding(false)} onSaved={(s) => navigate('company', s.id)} />}
    </div>
  );
}

export function ContactsScreen() {
  const { t, lang, enumLabel } = useI18n();
  const meta = useMeta('contact');
  const { users } = useAppData();
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [owner, setOwner] = useState('');
  const [total, setTotal] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const handle = useRef<ListHandle | null>(null);
  const dq = useDebounced(q);
  const text = useSearchFilter('contact', dq);
  const query = useMemo(() => {
    const filters: Filter[] = [];
    if (role) filters.push({ field: 'decision_role', op: 'eq', value: role });
    if (owner) filters.push({ field: 'owner_id', op: 'eq', value: owner });
    if (text.filter) filters.push(text.filter);
    return { filters } satisfies Partial<api.ListQuery>;
  }, [role, owner, text.filter]);
  useNewShortcut(useCallback(() => setAdding(true), []));
  const L = (n: string) => fieldLabelOf(meta, n, lang);
  const roleDef = meta?.fields.find((x) => x.name === 'decision_role');
  const columns: Column<'contact'>[] = [
    {
      key: 'name',
      header: t('name'),
      width: 'minmax(160px, 1.4fr)',
      render: (s) => (
        <div className="two-line">
          <strong>{s.display_name}</strong>
          <small className="muted">{[s.data.family_reading, s.data.given_reading].filter(Boolean).join(' ')}</small>
        </div>
      ),
    },
    { key: 'company', header: L('company_id'), width: 'minmax(160px, 1.6fr)', render: (s) => <RefLink kind="company" id={s.data.company_id} /> },
    { key: 'dept', header: L('department'), width: 'minmax(100px, 1fr)', render: (s) => s.data.department },
    { key: 'title', header: L('title'), width: '110px', render: (s) => s.data.title },
    { key: 'role', header: L('decision_role'), width: '90px', render: (s) => s.data.decision_role && <span className={`badge badge-${s.data.decision_role}`}>{enumLabel(s.data.decision_role)}</span> },
    { key: 'email', header: L('email'), width: 'minmax(140px, 1.2fr)', render: (s) => s.data.email },
    { key: 'phone', header: L('phone'), width: '130px', render: (s) => s.data.phone || s.data.mobile },
  ];
  return (
    <div className="page page-list" data-testid="screen-contacts">
      <div className="page-head">
        <div>
          <h1>{t('nav_contacts')}</h1>
          <p className="muted">{total == null ? t('loading') : t('rows', { n: formatNumber(total, lang) })}</p>
        </div>
        <div className="page-actions">
          <ListTransferTools kind="contact" query={query} />
          <button className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-contact-global" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            + {t('add_contact')}
          </button>
        </div>
      </div>
      <div className="filters" role="search">
        <input className="filter-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('filter_text')} data-testid="filter-q" />
        <select value={role} onChange={(e) => setRole(e.target.value)} aria-label={L('decision_role')}>
          <option value="">{L('decision_role')}: {t('all')}</option>
          {roleDef?.type === 'enum' &&
            roleDef.values.map((v) => (
              <option key={v} value={v}>
                {enumLabel(v)}
              </option>
            ))}
        </select>
        <select value={owner} onChange={(e) => setOwner(e.target.value)} aria-label={L('owner_id')}>
          <option value="">{L('owner_id')}: {t('all')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.display_name}
            </option>
          ))}
        </select>
      </div>
      {text.capped && (
        <p className="muted small list-capped" data-testid="list-search-capped">
          {t('list_search_capped', { n: api.LIST_SEARCH_LIMIT })}
        </p>
      )}
      <div className="list-with-index">
        <VirtualList kind="contact" query={query} columns={columns} onOpen={(s) => navigate('contact', s.id)} handle={handle} onTotal={setTotal} testid="contact-list" rowHeight={48} />
        <KanaBar kind="contact" query={query} handle={handle} />
      </div>
      {adding && <RecordDialog kind="contact" onClose={() => setAdding(false)} onSaved={(s) => navigate('contact', s.id)} />}
    </div>
  );
}
