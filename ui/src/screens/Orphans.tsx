// Issue 19: records added or edited on another laptop under a company that
// was deleted at the same time. Shown in the 競合 view as its own section
// (only when there are some), each with three ways out.

import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import type { Orphan } from '../bindings/Orphan';
import type { OrphanAction } from '../bindings/OrphanAction';
import { forgetName, useAppData, useToast } from '../app/data';
import { useSync } from '../app/sync';
import { RecordSearch } from '../components/fields';
import { formatTimestamp } from '../dates';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import { orphans, resolveOrphan } from '../trash';

export function OrphansCard() {
  const { t, lang, wareki, kindLabel } = useI18n();
  const { schema, revision, bump } = useAppData();
  const { status } = useSync();
  const toast = useToast();
  const [items, setItems] = useState<Orphan[]>([]);
  const [moving, setMoving] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const lastSync = status?.last_sync_at;
  const load = useCallback(() => {
    orphans().then(setItems, () => setItems([]));
  }, []);
  useEffect(load, [load, revision, lastSync]);
  if (items.length === 0) return null;
  const settle = async (o: Orphan, action: OrphanAction) => {
    setBusy(true);
    try {
      await resolveOrphan(o.kind, o.id, action);
      forgetName(o.kind, o.id);
      forgetName('company', o.company_id);
      toast(`${o.display_name}: ${t('orphan_settled')}`);
      setMoving(null);
      bump();
      load();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  const sentence = (o: Orphan) =>
    t(o.change === 'added' ? 'orphan_added' : 'orphan_edited', {
      kind: kindLabel(schema.get(o.kind), o.kind),
      name: o.display_name,
      company: o.company_name,
      who: o.deleted_by ?? t('orphan_someone'),
      device: o.deleted_here ? t('orphan_this_pc') : (o.deleted_on ?? t('orphan_other_pc')),
    });
  return (
    <section className="card card-span" data-testid="orphans">
      <header className="card-head">
        <h2>{t('orphans_title')}</h2>
      </header>
      <p className="muted small">{t('orphans_intro')}</p>
      <ul className="orphan-list">
        {items.map((o) => (
          <li key={`${o.kind}-${o.id}`} data-testid="orphan-row" data-id={o.id}>
            <p data-testid="orphan-text">{sentence(o)}</p>
            <p className="small muted">
              {o.changed_by ?? ''} · {formatTimestamp(o.changed_at, wareki, lang)}
            </p>
            <div className="conflict-buttons">
              <button className="btn btn-sm" disabled={busy} onClick={() => void settle(o, { action: 'restore_parent' })} data-testid="orphan-restore-parent">
                ↩ {t('orphan_restore_parent')}
              </button>
              <button className="btn btn-sm" disabled={busy} onClick={() => setMoving(moving === o.id ? null : o.id)} data-testid="orphan-move">
                {t('orphan_move')}
              </button>
              <button className="btn btn-sm danger" disabled={busy} onClick={() => void settle(o, { action: 'delete' })} data-testid="orphan-delete">
                {t('orphan_delete')}
              </button>
            </div>
            {moving === o.id && (
              <RecordSearch
                kind="company"
                exclude={[o.company_id]}
                testid="orphan-move-to"
                autoFocus
                onPick={(c) => void settle(o, { action: 'move_to', company_id: c.id })}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
