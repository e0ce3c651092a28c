import { useState } from 'react';
import * as api from '../api';
import type { BackupErase } from '../bindings/BackupErase';
import type { ErasePlan } from '../bindings/ErasePlan';
import { useToast } from '../app/data';
import { eraseInBackups } from '../erase';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { Dialog } from './Dialog';

/** After an erase: the backups made before that still hold it, to erase
 * there too, delete, or keep (issue 18). */
export function EraseBackups({ plan, onDone }: { plan: ErasePlan; onDone: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const choose = async (action: BackupErase) => {
    setBusy(true);
    try {
      await eraseInBackups(
        plan.records.map((r) => r.id),
        plan.backups.map((b) => b.path),
        action,
      );
      toast(t('erase_backups_done'));
      onDone();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('erase_backups_title')} onClose={onDone} testid="erase-backups">
      <p>{t('erase_backups_intro')}</p>
      <ul className="erase-backups" data-testid="erase-backup-list">
        {plan.backups.map((b) => (
          <li key={b.path} data-testid="erase-backup">
            <code>{b.path}</code> <span className="muted small">({formatNumber(Math.round(b.bytes / 1024), lang)} KB)</span>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <button className="btn btn-primary" disabled={busy} onClick={() => void choose('rewrite')} data-testid="erase-backups-rewrite">
          {t('erase_backups_rewrite')}
        </button>
        <button className="btn danger" disabled={busy} onClick={() => void choose('delete')} data-testid="erase-backups-delete">
          {t('erase_backups_delete')}
        </button>
        <button className="btn btn-ghost" disabled={busy} onClick={onDone} data-testid="erase-backups-keep">
          {t('erase_backups_keep')}
        </button>
      </div>
    </Dialog>
  );
}
