// Deal pipeline: a kanban column per stage; drag a card to another column
// (HTML5 drag and drop → patch {stage}); count and amount per stage.

import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import * as api from '../api';
import { useAppData, useToast } from '../app/data';
import { useNewShortcut, useRoute } from '../app/router';
import { RecordDialog } from '../components/RecordDialog';
import { RefLink } from '../components/RecordView';
import { formatDate } from '../dates';
import { describeError } from '../errors';
import { formatNumber, formatYen, formatYenShort } from '../format';
import { useI18n } from '../i18n';
import { moveDeal, openPipeline, STAGES, stageTotals } from '../kanban';

export function DealsScreen() {
  const { t, lang, enumLabel, wareki } = useI18n();
  const toast = useToast();
  const { users, revision, bump } = useAppData();
  const route = useRoute();
  const [deals, setDeals] = useState<api.StoredOf<'deal'>[] | null>(null);
  const [owner, setOwner] = useState('');
  const [dragId, setDragId] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [editing, setEditing] = useState<api.StoredOf<'deal'> | 'new' | null>(null);

  const load = useCallback(() => {
    api.listAll('deal', { filters: owner ? [{ field: 'owner_id', op: 'eq', value: owner }] : [], sort: 'expected_close' }).then(setDeals, (e) =>
      toast(describeError(api.toApiError(e), lang), 'error'),
    );
  }, [owner, toast, lang]);
  useEffect(load, [load, revision]);
  useNewShortcut(useCallback(() => setEditing('new'), []));
  const handledOpen = useRef<string | null>(null);
  useEffect(() => {
    const open = route.params.get('open');
    if (open && deals && handledOpen.current !== open) {
      const d = deals.find((x) => x.id === open);
      if (d) {
        handledOpen.current = open;
        setEditing(d);
      }
    }
  }, [route.params, deals]);

  const totals = useMemo(() => stageTotals((deals ?? []).map((d) => d.data)), [deals]);
  const pipeline = openPipeline(totals);

  const move = async (id: string, stage: string) => {
    const deal = deals?.find((d) => d.id === id);
    if (!deal || deal.data.stage === stage || !deals) return;
    const before = deals;
    setDeals(moveDeal(deals, id, stage));
    try {
      const saved = await api.patch('deal', id, { stage }, deal.version);
      setDeals((cur) => (cur ?? []).map((d) => (d.id === id ? saved : d)));
      toast(`${deal.display_name} → ${enumLabel(stage)}`);
    } catch (e) {
      setDeals(before);
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };

  const onDrop = (e: DragEvent, stage: string) => {
    e.preventDefault();
    const id = e.dataTransfer.getData('text/plain') || dragId;
    setOver(null);
    setDragId(null);
    if (id) void move(id, stage);
  };

  const onCardKey = (e: KeyboardEvent, d: api.StoredOf<'deal'>) => {
    const i = STAGES.indexOf(d.data.stage as (typeof STAGES)[number]);
    if (e.key === 'ArrowRight' && i < STAGES.length - 1) {
      e.preventDefault();
      void move(d.id, STAGES[i + 1]);
    } else if (e.key === 'ArrowLeft' && i > 0) {
      e.preventDefault();
      void move(d.id, STAGES[i - 1]);
    } else if (e.key === 'Enter') {
      setEditing(d);
    }
  };

  return (
    <div className="page page-wide" data-testid="screen-deals">
      <div className="page-head">
        <div>
          <h1>{t('deals_title')}</h1>
          <p className="muted" data-testid="pipeline-total">
            {lang === 'ja' ? '進行中' : 'Open'}: {t('deals_total', { n: formatNumber(pipeline.count, lang), sum: formatYenShort(lang, pipeline.sum) })}
            {' · '}
            {lang === 'ja' ? '確度加重' : 'Weighted'} {formatYenShort(lang, Math.round(pipeline.weighted))}
          </p>
        </div>
        <div className="head-tools">
          <select value={owner} onChange={(e) => setOwner(e.target.value)} aria-label={t('owner_filter')} data-testid="deals-owner">
            <option value="">
              {t('owner_filter')}: {t('all')}
            </option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.display_name}
              </option>
            ))}
          </select>
          <button className="btn btn-primary" onClick={() => setEditing('new')} data-testid="add-deal" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
            + {t('add_deal')}
          </button>
        </div>
      </div>
      <div className="kanban" data-testid="kanban">
        {totals.map((col) => (
          <section
            key={col.stage}
            className={`kanban-col stage-${col.stage} ${over === col.stage ? 'drop-over' : ''}`}
            data-testid={`stage-${col.stage}`}
            data-stage={col.stage}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setOver(col.stage);
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node)) setOver(null);
            }}
            onDrop={(e) => onDrop(e, col.stage)}
          >
            <header className="kanban-head">
              <h2>{enumLabel(col.stage)}</h2>
              <div className="kanban-totals" data-testid={`stage-total-${col.stage}`}>
                <span className="count" data-testid={`stage-count-${col.stage}`}>
                  {col.count}
                </span>
                <span className="sum" data-testid={`stage-sum-${col.stage}`}>
                  {formatYenShort(lang, col.sum)}
                </span>
              </div>
            </header>
            <div className="kanban-cards">
              {(deals ?? [])
                .filter((d) => d.data.stage === col.stage)
                .map((d) => (
                  <article
                    key={d.id}
                    className={`deal-card ${dragId === d.id ? 'dragging' : ''}`}
                    draggable
                    tabIndex={0}
                    onDragStart={(e) => {
                      e.dataTransfer.setData('text/plain', d.id);
                      e.dataTransfer.effectAllowed = 'move';
                      setDragId(d.id);
                    }}
                    onDragEnd={() => {
                      setDragId(null);
                      setOver(null);
                    }}
                    onClick={() => setEditing(d)}
                    onKeyDown={(e) => onCardKey(e, d)}
                    data-testid="deal-card"
                    data-id={d.id}
                    title={lang === 'ja' ? 'ドラッグ、または ← → キーでステージを移動' : 'Drag, or use ← → to change the stage'}
                  >
                    <div className="deal-title">{d.display_name}</div>
                    <div className="deal-company" onClick={(e) => e.stopPropagation()}>
                      <RefLink kind="company" id={d.data.company_id} />
                    </div>
                    <div className="deal-meta">
                      <strong>{formatYen(d.data.amount, lang)}</strong>
                      {d.data.probability != null && <span className="pill">{d.data.probability}%</span>}
                    </div>
                    <div className="deal-foot muted small">
                      {d.data.expected_close && <span>📅 {formatDate(d.data.expected_close, wareki, lang)}</span>}
                      {d.data.owner_id && (
                        <span>
                          👤 <RefLink kind="user" id={d.data.owner_id} />
                        </span>
                      )}
                    </div>
                  </article>
                ))}
              {col.count === 0 && <p className="kanban-empty">{t('drop_here')}</p>}
            </div>
          </section>
        ))}
      </div>
      {editing && (
        <RecordDialog
          kind="deal"
          stored={editing === 'new' ? null : editing}
          initial={editing === 'new' ? { stage: 'lead' } : undefined}
          onClose={() => setEditing(null)}
          onSaved={() => bump()}
        />
      )}
    </div>
  );
}
