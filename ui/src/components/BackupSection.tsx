// Settings → バックアップ (issue 6): back up now, the automatic daily backup
// (on/off, how many to keep, folder), and restore with a confirmation.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useToast } from '../app/data';
import { href } from '../app/router';
import { describeError } from '../errors';
import { formatSize } from '../format';
import { useI18n } from '../i18n';
import * as tr from '../transfer';
import { Dialog } from './Dialog';
import { WithCodes, WithValues } from './WithCodes';

export function BackupSection() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [settings, setSettings] = useState<tr.BackupSettings | null>(null);
  const [path, setPath] = useState('');
  const [keep, setKeep] = useState('7');
  const [dir, setDir] = useState('');
  const [restorePath, setRestorePath] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  /** The backup's own passphrase, asked for when the restore answered `wrong_passphrase`. */
  const [backupPass, setBackupPass] = useState<string | null>(null);
  const [passError, setPassError] = useState<api.ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<api.ApiError | null>(null);

  const load = async () => {
    try {
      const s = await tr.backupSettings();
      setSettings(s);
      setKeep(String(s.keep));
      setDir(s.custom_dir ?? '');
      setPath((p) => p || tr.manualBackupPath(s.dir));
    } catch (e) {
      setError(api.toApiError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const fail = (e: unknown) => {
    const err = api.toApiError(e);
    setError(err);
    toast(describeError(err, lang), 'error');
  };

  const backupNow = async () => {
    setBusy(true);
    setError(null);
    try {
      const b = await tr.backupNow(path.trim());
      toast(t('bk_done', { path: b.path }));
      setPath('');
      await load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const saveAuto = async (enabled: boolean) => {
    setError(null);
    try {
      const s = await tr.setBackupSettings(enabled, Number(keep) || 0, dir.trim() || null);
      setSettings(s);
      toast(t('saved'));
    } catch (e) {
      fail(e);
    }
  };

  const closeConfirm = () => {
    setConfirming(null);
    setBackupPass(null);
    setPassError(null);
  };

  const restore = async (file: string) => {
    setBusy(true);
    try {
      await tr.restoreBackup(file, backupPass ?? undefined);
      // Every record changed: start the app again on the restored data.
      window.location.hash = href('');
      window.location.reload();
    } catch (e) {
      const err = api.toApiError(e);
      setBusy(false);
      if (err.code === 'wrong_passphrase') {
        // Encrypted under another passphrase: the dialog asks for it (nothing was changed).
        setPassError(backupPass === null ? null : err);
        setBackupPass(backupPass ?? '');
        return;
      }
      fail(e);
      closeConfirm();
    }
  };

  return (
    <section className="card card-span" data-testid="backup-section">
      <h2>{t('bk_title')}</h2>
      <div className="bk-grid">
        <div>
          <h3 className="sub">{t('bk_now')}</h3>
          <label className="bk-field">
            <span className="small muted">{t('bk_path')}</span>
            <input value={path} onChange={(e) => setPath(e.target.value)} data-testid="backup-path" spellCheck={false} />
          </label>
          <button className="btn btn-primary" onClick={() => void backupNow()} disabled={busy || !path.trim()} data-testid="backup-now">
            {busy && !confirming ? t('bk_backing_up') : t('bk_now_button')}
          </button>
        </div>
        <div>
          <h3 className="sub">{t('bk_auto')}</h3>
          <label className="switch">
            <input type="checkbox" checked={settings?.enabled ?? false} onChange={(e) => void saveAuto(e.target.checked)} data-testid="backup-auto" />
            {t('bk_auto_on')}
          </label>
          <label className="bk-field">
            <span className="small muted">{t('bk_keep')}</span>
            <input type="number" min={1} max={365} value={keep} onChange={(e) => setKeep(e.target.value)} onBlur={() => settings && void saveAuto(settings.enabled)} className="filter-sm" data-testid="backup-keep" />
          </label>
          <label className="bk-field">
            <span className="small muted">
              <WithCodes text={t('bk_dir')} />
            </span>
            <input value={dir} placeholder={settings?.dir} onChange={(e) => setDir(e.target.value)} onBlur={() => settings && void saveAuto(settings.enabled)} data-testid="backup-dir" spellCheck={false} />
          </label>
        </div>
      </div>
      <h3 className="sub">{t('bk_restore')}</h3>
      <p className="muted small">{t('bk_restore_lead')}</p>
      <table className="table small" data-testid="backup-list">
        <tbody>
          {(settings?.backups ?? []).map((b) => (
            <tr key={b.path} data-testid="backup-row">
              <td>
                <code>{tr.baseName(b.path)}</code>
              </td>
              <td className="right nowrap">{formatSize(b.bytes, lang)}</td>
              <td className="right">
                <button className="btn btn-sm" onClick={() => setConfirming(b.path)} disabled={busy} data-testid="backup-restore">
                  {t('restore')}
                </button>
              </td>
            </tr>
          ))}
          {settings && settings.backups.length === 0 && (
            <tr>
              <td className="muted">{t('bk_none', { dir: settings.dir })}</td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="bk-restore-path">
        <input value={restorePath} onChange={(e) => setRestorePath(e.target.value)} placeholder={t('bk_restore_path')} data-testid="restore-path" spellCheck={false} />
        <button className="btn" onClick={() => setConfirming(restorePath.trim())} disabled={busy || !restorePath.trim()} data-testid="restore-path-button">
          {t('restore')}
        </button>
      </div>
      {error && (
        <p className="banner banner-error" role="alert" data-testid="backup-error">
          {describeError(error, lang)}
        </p>
      )}
      {confirming && (
        <Dialog title={t('bk_confirm_title')} onClose={() => !busy && closeConfirm()} testid="dialog-restore">
          <p>
            <WithValues template={t('bk_confirm')} values={{ file: tr.baseName(confirming) }} />
          </p>
          <p className="muted small">
            <WithCodes text={t('bk_confirm_keep')} />
          </p>
          {backupPass !== null && (
            <label className="bk-field" data-testid="restore-passphrase-field">
              <span className="small">{t('bk_backup_passphrase')}</span>
              <input
                type="password"
                autoFocus
                value={backupPass}
                onChange={(e) => setBackupPass(e.target.value)}
                aria-label={t('lock_passphrase')}
                aria-invalid={passError ? true : undefined}
                data-testid="restore-passphrase"
              />
              {passError && (
                <span className="field-error" role="alert" data-testid="restore-passphrase-error">
                  {describeError(passError, lang)}
                </span>
              )}
            </label>
          )}
          <div className="form-actions">
            <button className="btn" onClick={closeConfirm} disabled={busy}>
              {t('cancel')}
            </button>
            <button className="btn btn-danger" onClick={() => void restore(confirming)} disabled={busy || backupPass === ''} data-testid="restore-confirm">
              {t('bk_restore_button')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
