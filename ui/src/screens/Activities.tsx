import { useCallback, useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import { activityFilter, activitySearchIds, type ActivitySearch } from '../activitySearch';
import type { Filter } from '../bindings/Filter';
import { useMeta } from '../app/data';
import { navigate, useNewShortcut } from '../app/router';
import { RefLink } from '../components/RecordView';
import { ListTransferTools } from '../components/Transfer';
import { VirtualList, type Column } from '../components/VirtualList';
import { formatDateTime } from '../dates';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { useDebounced } from './Lists';

/**
 * The text box's filter: the activities the search finds by their own words or
 * by their company's or contact's name (`activitySearchIds`). While a new
 * search runs, the previous filter stays.
 */
export function useActivitySearch(text: string): { filter: Filter | null; capped: boolean } {
  const q = text.trim();
  const [found, setFound] = useState<(ActivitySearch & { q: string }) | null>(null);
  useEffect(() => {
    if (!q) {
      setFound(null);
      return;
    }
    let alive = true;
    activitySearchIds(q).then(
      (r) => alive && setFound({ ...r, q }),
      () => alive && setFound({ ids: [], capped: false, q }),
    );
    return () => {
      alive = false;
    };
  }, [q]);
  return useMemo(() => {
    if (!q || !found) return { filter: null, capped: false };
    return { filter: activityFilter(found), capped: found.capped };
  }, [q, found]);
}

export function ActivitiesScreen() {
  const { t, lang, wareki, enumLabel } = useI18n();
  const meta = useMeta('activity');
  const [kind, setKind] = useState('');
  const [q, setQ] = useState('');
  const [total, setTotal] = useState<number | null>(null);
  const dq = useDebounced(q);
  const text = useActivitySearch(dq);
  const query = useMemo(() => {
    const filters: Filter[] = [];
    if (kind) filters.push({ field: 'kind', op: 'eq', value: kind });
    if (text.filter) filters.push(text.filter);
    return { filters };
  }, [kind, text.filter]);
  useNewShortcut(useCallback(() => navigate('activity', 'new', { kind: kind || undefined }), [kind]));
  const L = (n: string) => {
    const f = meta?.fields.find((x) => x.name === n);
    return f ? (lang === 'ja' ? f.label_ja : f.label_en) : n;
  };
  const kindDef = meta?.fields.find((x) => x.name === 'kind');
  const columns: Column<'activity'>[] = [
    { key: 'at', header: L('occurred_at'), width: '150px', render: (s) => formatDateTime(s.data.occurred_at, wareki, lang) },
    { key: 'kind', header: L('kind'), width: '100px', render: (s) => <span className={`badge badge-${s.data.kind}`}>{enumLabel(s.data.kind)}</span> },
    { key: 'subject', header: L('subject'), width: 'minmax(180px, 2fr)', render: (s) => <strong>{s.display_name}</strong> },
    { key: 'company', header: L('company_id'), width: 'minmax(160px, 1.5fr)', render: (s) => <RefLink kind="company" id={s.data.company_id} /> },
    { key: 'content', header: L('content'), width: 'minmax(160px, 2fr)', render: (s) => (
        // An excerpt of the record's text: data, not words of the UI.
        <span className="muted ellipsis" translate="no">
          {s.data.content?.slice(0, 80)}
        </span>
      ) },
  ];
  return (
    <div className="page page-list" data-testid="screen-activities">
      <div className="page-head">
        <div>
          <h1>{t('nav_activities')}</h1>
          <p className="muted">{total == null ? t('loading') : t('rows', { n: formatNumber(total, lang) })}</p>
        </div>
        <div className="page-actions">
          <ListTransferTools kind="activity" query={query} />
          <button className="btn btn-primary" onClick={() => navigate('activity', 'new')} data-testid="add-activity-global" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            + {t('add_activity')}
          </button>
        </div>
      </div>
      <div className="filters">
        <input
          className="filter-q"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('activity_filter_text')}
          aria-label={t('activity_filter_text')}
          data-testid="activity-filter-q"
        />
        <div className="segmented">
          <button className={kind === '' ? 'on' : ''} onClick={() => setKind('')}>
            {t('all')}
          </button>
          {kindDef?.type === 'enum' &&
            kindDef.values.map((v) => (
              <button key={v} className={kind === v ? 'on' : ''} onClick={() => setKind(v)}>
                {enumLabel(v)}
              </button>
            ))}
        </div>
      </div>
      {text.capped && (
        <p className="muted small list-capped" data-testid="list-search-capped">
          {t('list_search_capped', { n: api.LIST_SEARCH_LIMIT })}
        </p>
      )}
      <VirtualList kind="activity" query={query} columns={columns} onOpen={(s) => navigate('activity', s.id)} onTotal={setTotal} testid="activity-list" />
    </div>
  );
}
