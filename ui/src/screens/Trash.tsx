import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import type { TrashGroup } from '../bindings/TrashGroup';
import { groupTotal, groupWords, trashGroups } from '../trash';
import { forgetName, useAppData, useToast } from '../app/data';
import { RefLink } from '../components/RecordView';
import { formatTimestamp } from '../dates';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { syncConflicts } from '../app/sync';
import type { SyncConflict } from '../bindings/SyncConflict';
import { ConflictButtons, ConflictField, ConflictValue } from './Sync';
import { ask } from '../confirm';
import { eraseParts, trashEmpty, trashPurge } from '../erase';
import type { ErasePlan } from '../bindings/ErasePlan';
import { EraseBackups } from '../components/EraseBackups';

/** Records a page of the trash shows. */
export const TRASH_PAGE = 100;

export function TrashScreen() {
  const { t, lang, wareki, kindLabel } = useI18n();
  const toast = useToast();
  const { schema, revision, bump } = useAppData();
  const [items, setItems] = useState<TrashGroup[] | null>(null);
  // Pages of TRASH_PAGE entries, newest first, with the count of everything
  // in the trash: no cap. A company and what was deleted with it is one entry.
  const [offset, setOffset] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = useCallback(() => {
    const fail = (e: unknown) => toast(describeError(api.toApiError(e), lang), 'error');
    trashGroups(offset, TRASH_PAGE).then((page) => {
      setTotal(page.total);
      setItems(page.groups);
      // Restoring the last entry of the last page: show the page before.
      if (offset > 0 && offset >= page.total) setOffset(Math.max(0, Math.floor((page.total - 1) / TRASH_PAGE) * TRASH_PAGE));
    }, fail);
  }, [toast, lang, offset]);
  useEffect(load, [load, revision]);
  // Folder sync: edits made on another computer while the record was deleted here.
  const [conflicts, setConflicts] = useState<SyncConflict[]>([]);
  const loadConflicts = useCallback(() => {
    syncConflicts().then((c) => setConflicts(c.filter((x) => x.reason === 'edited_while_deleted')), () => setConflicts([]));
  }, []);
  useEffect(loadConflicts, [loadConflicts, revision]);
  // 完全に削除 / 空にする (issue 18): an erase, asked with what goes.
  const [erased, setErased] = useState<ErasePlan | null>(null);
  const [purging, setPurging] = useState(false);
  const kindName = (k: TrashGroup['kind']) => kindLabel(schema.get(k), k);
  const finish = (done: ErasePlan) => {
    toast(t('trash_purged'));
    done.records.forEach((r) => forgetName(r.kind, r.id));
    if (done.backups.length > 0) setErased(done);
    bump();
  };
  const purge = async (it: TrashGroup) => {
    try {
      const plan = await trashPurge(it.kind, it.id, true);
      const { list, where } = eraseParts(plan, t, kindName);
      if (!(await ask(t('trash_purge_question', { name: it.display_name, list, where })))) return;
      setPurging(true);
      finish(await trashPurge(it.kind, it.id, false).finally(() => setPurging(false)));
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  const emptyAll = async () => {
    try {
      const plan = await trashEmpty(true);
      const { list, where } = eraseParts(plan, t, kindName);
      if (!(await ask(t('trash_empty_question', { n: formatNumber(plan.records.length, lang), list, where })))) return;
      setPurging(true);
      finish(await trashEmpty(false).finally(() => setPurging(false)));
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  const restore = async (it: TrashGroup) => {
    try {
      await api.restore(it.kind, it.id);
      forgetName(it.kind, it.id);
      it.members.forEach((m) => forgetName(m.kind, m.id));
      toast(
        groupTotal(it.with) > 0
          ? t('trash_restored_group', { name: it.display_name, what: groupWords(it.with, t) })
          : `${it.display_name}: ${t('restored')}`,
      );
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  return (
    <div className="page" data-testid="screen-trash">
      {erased && <EraseBackups plan={erased} onDone={() => setErased(null)} />}
      <div className="page-head">
        <div>
          <h1>{t('trash_title')}</h1>
          <p className="muted" data-testid="trash-count">
            {total == null || items == null
              ? t('loading')
              : total > TRASH_PAGE
                ? t('trash_range', {
                    n: formatNumber(total, lang),
                    from: formatNumber(offset + 1, lang),
                    to: formatNumber(offset + items.length, lang),
                  })
                : t('rows', { n: formatNumber(total, lang) })}
          </p>
        </div>
        {total != null && total > 0 && (
          <button className="btn danger" onClick={() => void emptyAll()} disabled={purging} data-testid="trash-empty-all">
            {purging ? t('erase_running') : t('trash_empty_all')}
          </button>
        )}
      </div>
      <section className="card">
        {items == null ? (
          <p className="muted">{t('loading')}</p>
        ) : items.length === 0 ? (
          <p className="empty" data-testid="trash-empty">
            {t('trash_empty')}
          </p>
        ) : (
          <table className="table" data-testid="trash-table">
            <thead>
              <tr>
                <th>{t('kind')}</th>
                <th>{t('name')}</th>
                <th>{t('deleted_at')}</th>
                <th>{lang === 'ja' ? '削除した人' : 'Deleted by'}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={`${it.kind}-${it.id}`} data-testid="trash-row" data-id={it.id}>
                  <td>
                    <span className="badge">{kindLabel(schema.get(it.kind), it.kind)}</span>
                  </td>
                  <td>
                    {it.display_name}
                    {groupTotal(it.with) > 0 && (
                      <div className="small muted" data-testid="trash-group">
                        {t('trash_group_with', { what: groupWords(it.with, t) })}{' '}
                        <button className="btn btn-sm btn-ghost" onClick={() => setOpen(open === it.id ? null : it.id)} data-testid="trash-group-toggle">
                          {t('trash_show_members')} {open === it.id ? '▲' : '▼'}
                        </button>
                        {open === it.id && (
                          <ul className="trash-members" data-testid="trash-members">
                            {it.members.map((m) => (
                              <li key={`${m.kind}-${m.id}`} data-testid="trash-member">
                                <span className="badge">{kindLabel(schema.get(m.kind), m.kind)}</span> {m.display_name}
                              </li>
                            ))}
                          </ul>
                        )}
                      </div>
                    )}
                    {conflicts
                      .filter((c) => c.record_id === it.id)
                      .map((c) => (
                        <div key={c.id} className="trash-conflict" data-testid="trash-conflict">
                          <span className="badge badge-lost">{t('trash_sync_conflict')}</span>{' '}
                          <span className="small">
                            <ConflictField c={c} />: <ConflictValue c={c} value={c.other_value} />
                          </span>{' '}
                          <ConflictButtons c={c} onDone={loadConflicts} />
                        </div>
                      ))}
                  </td>
                  <td className="nowrap">{formatTimestamp(it.deleted_at, wareki, lang)}</td>
                  <td>{it.deleted_by ? <RefLink kind="user" id={it.deleted_by} /> : <span className="muted">—</span>}</td>
                  <td className="right">
                    <button className="btn btn-sm" onClick={() => void restore(it)} data-testid="trash-restore">
                      ↩ {groupTotal(it.with) > 0 ? t('trash_restore_group') : t('restore')}
                    </button>{' '}
                    <button className="btn btn-sm btn-ghost danger" onClick={() => void purge(it)} disabled={purging} data-testid="trash-purge">
                      {t('trash_purge')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {total != null && total > TRASH_PAGE && (
          <div className="pager" data-testid="trash-pager">
            <button className="btn btn-sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - TRASH_PAGE))} data-testid="trash-prev">
              {t('trash_prev', { k: TRASH_PAGE })}
            </button>
            <button className="btn btn-sm" disabled={offset + TRASH_PAGE >= total} onClick={() => setOffset(offset + TRASH_PAGE)} data-testid="trash-next">
              {t('trash_next', { k: TRASH_PAGE })}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
