// The APPI toolkit on a person's page (issue 18 item 4): 開示 (the
// disclosure package: saved to the exports folder in the app, downloaded in
// a browser), 利用停止 (a banner and its switch), the reason box of 訂正 mode
// and the records of provision to third parties; and the "for a third party"
// part of the export dialog.

import { useEffect, useState } from 'react';
import * as api from '../api';
import * as appi from '../appi';
import { useAppData, useToast } from '../app/data';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { saveFile } from '../transfer';
import { Dialog } from './Dialog';

/**
 * 開示: makes the package. In the desktop app the user picks the folder and
 * the core writes the JSON and HTML files there; in a browser both download.
 */
export function DiscloseButton({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      if (api.inTauri()) {
        const { open } = await import('@tauri-apps/plugin-dialog');
        const picked = await open({ directory: true, multiple: false });
        if (typeof picked !== 'string') return;
        const d = await appi.disclose(id, picked);
        toast(`${t('appi_disclosed', { n: formatNumber(d.package.activities.length, lang) })}: ${[d.json.path, d.html.path, d.pdf?.path].filter(Boolean).join(', ')}`);
        return;
      }
      const d = await appi.disclose(id);
      const saved: string[] = [];
      for (const [i, f] of [d.json, d.html, d.pdf].filter((f) => f != null).entries()) {
        // A browser may hold back a second download started in the same instant.
        if (i > 0) await new Promise((r) => setTimeout(r, 400));
        if (f.base64) {
          const path = await saveFile({ name: f.name, base64: f.base64 });
          if (path) saved.push(path);
        }
      }
      toast(`${t('appi_disclosed', { n: formatNumber(d.package.activities.length, lang) })}${saved.length ? `: ${saved.join(', ')}` : ''}`);
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button className="btn" onClick={() => void run()} disabled={busy} aria-busy={busy} data-testid="contact-disclose" title={t('appi_disclose_title')}>
      📄 {t('appi_disclose')}
    </button>
  );
}

type ContactData = { use_stopped?: boolean; use_stopped_on?: string | null; use_stopped_reason?: string | null };

/** The 利用停止 banner, shown while the person's use is stopped. */
export function UseStoppedBanner({ data }: { data: ContactData }) {
  const { t } = useI18n();
  if (!data.use_stopped) return null;
  return (
    <div className="banner banner-error" role="status" data-testid="use-stopped-banner">
      ⛔ {t('appi_stopped_banner', { date: data.use_stopped_on ?? '' })}
      {data.use_stopped_reason && <span> — {data.use_stopped_reason}</span>}
    </div>
  );
}

/** 利用停止 / 解除: stopping asks for the reason in a dialog. */
export function UseStopButton({ id, data, onChange }: { id: string; data: ContactData; onChange: (r: api.Stored) => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const { bump } = useAppData();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<api.ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const apply = async (stopped: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await appi.setUseStopped(id, stopped, stopped ? reason : undefined);
      onChange(r);
      bump();
      toast(stopped ? t('appi_stopped_done') : t('appi_resumed_done'));
      setOpen(false);
    } catch (e) {
      setError(api.toApiError(e));
      if (!stopped) toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  if (data.use_stopped) {
    return (
      <button className="btn" onClick={() => void apply(false)} disabled={busy} data-testid="contact-resume-use">
        ↺ {t('appi_resume')}
      </button>
    );
  }
  return (
    <>
      <button className="btn" onClick={() => setOpen(true)} data-testid="contact-stop-use">
        ⛔ {t('appi_stop')}
      </button>
      {open && (
        <Dialog title={t('appi_stop')} onClose={() => setOpen(false)} testid="dialog-stop-use">
          <p className="muted small">{t('appi_stop_lead')}</p>
          <label className="field">
            <span>{t('appi_reason')}</span>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} data-testid="stop-use-reason" />
          </label>
          {error && (
            <p className="banner banner-error" role="alert">
              {describeError(error, lang)}
            </p>
          )}
          <div className="form-actions">
            <button className="btn" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
            <button className="btn btn-primary" onClick={() => void apply(true)} disabled={busy} data-testid="stop-use-save">
              {t('appi_stop')}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** The reason box of 訂正 mode (above the form). */
export function CorrectionReason({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="banner" data-testid="correction-mode">
      <p>
        <strong>{t('appi_correct')}</strong> — {t('appi_correct_lead')}
      </p>
      <label className="field">
        <span>{t('appi_reason')}</span>
        <input value={value} onChange={(e) => onChange(e.target.value)} data-testid="correction-reason" />
      </label>
    </div>
  );
}

/** The records of provision to third parties that held this person. */
export function ProvisionList({ contactId }: { contactId: string }) {
  const { t } = useI18n();
  const { revision } = useAppData();
  const [rows, setRows] = useState<appi.Provision[] | null>(null);
  useEffect(() => {
    let alive = true;
    appi.provisions(contactId).then(
      (r) => alive && setRows(r),
      () => alive && setRows([]),
    );
    return () => {
      alive = false;
    };
  }, [contactId, revision]);
  return (
    <section className="card" data-testid="provision-list">
      <h3>{t('appi_provisions')}</h3>
      {!rows ? (
        <p className="muted small">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul className="plain small">
          {rows.map((p) => (
            <li key={p.id} data-testid="provision-item">
              {p.provided_on} → <strong>{p.recipient}</strong>({p.purpose}) <span className="muted">{t('appi_keep_until', { date: p.keep_until })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The "for a third party" part of the export dialog (contacts only). */
export function ThirdPartyFields({ value, onChange }: { value: appi.ThirdParty | null; onChange: (v: appi.ThirdParty | null) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="third-party" data-testid="export-third-party">
      <label className="check">
        <input
          type="checkbox"
          checked={value != null}
          onChange={(e) => onChange(e.target.checked ? { recipient: '', purpose: '', contract: false } : null)}
          data-testid="export-third-party-on"
        />
        {t('appi_third_party')}
      </label>
      {value && (
        <>
          <p className="muted small">{t('appi_third_party_lead')}</p>
          <label className="field">
            <span>{t('appi_recipient')}</span>
            <input value={value.recipient} onChange={(e) => onChange({ ...value, recipient: e.target.value })} data-testid="export-recipient" />
          </label>
          <label className="field">
            <span>{t('appi_purpose')}</span>
            <input value={value.purpose} onChange={(e) => onChange({ ...value, purpose: e.target.value })} data-testid="export-purpose" />
          </label>
          <label className="check">
            <input type="checkbox" checked={value.contract} onChange={(e) => onChange({ ...value, contract: e.target.checked })} data-testid="export-contract" />
            {t('appi_contract')}
          </label>
        </>
      )}
    </fieldset>
  );
}

/** Shown after an export for a third party: the record kept and who was left out. */
export function ProvisionDone({ result, onClose }: { result: appi.ThirdPartyExport; onClose: () => void }) {
  const { t, lang } = useI18n();
  const p = result.provision;
  return (
    <Dialog title={t('appi_provision_kept')} onClose={onClose} testid="dialog-provision-done">
      <p data-testid="provision-done">
        {t('appi_provision_summary', { recipient: p.recipient, n: formatNumber(Number(p.people), lang), date: p.keep_until })}
      </p>
      {result.use_stopped_left_out > 0 && <p className="muted small">{t('appi_left_out', { n: formatNumber(result.use_stopped_left_out, lang) })}</p>}
      <div className="form-actions">
        <button className="btn btn-primary" onClick={onClose}>
          {t('close')}
        </button>
      </div>
    </Dialog>
  );
}
