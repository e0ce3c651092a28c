// List toolbar tools for getting data in and out (issue 6): a link to the
// import wizard, the export dialog (the list as shown, with its filters) and,
// for contacts, the mailing list (DM) dialog.

import { useEffect, useState } from 'react';
import * as api from '../api';
import type { MailingListResult } from '../bindings/MailingListResult';
import { useToast } from '../app/data';
import { href } from '../app/router';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { PrintButton } from './PrintButton';
import type { LabelLayout } from '../bindings/LabelLayout';
import type { MailingOptions } from '../bindings/MailingOptions';
import { useI18n } from '../i18n';
import * as tr from '../transfer';
import { Dialog } from './Dialog';
import { ProvisionDone, ThirdPartyFields } from './Appi';
import * as appi from '../appi';

export function ListTransferTools({ kind, query }: { kind: 'company' | 'contact' | 'activity'; query: Partial<api.ListQuery> }) {
  const { t } = useI18n();
  const [dialog, setDialog] = useState<'export' | 'mailing' | null>(null);
  return (
    <>
      <a className="btn" href={href('import', undefined, { kind })} data-testid="list-import">
        ⬆ {t('imp_short')}
      </a>
      <button className="btn" onClick={() => setDialog('export')} data-testid="list-export">
        ⬇ {t('exp_short')}
      </button>
      {kind === 'contact' && (
        <button className="btn" onClick={() => setDialog('mailing')} data-testid="list-mailing">
          ✉ {t('dm_short')}
        </button>
      )}
      {dialog === 'export' && <ExportDialog kind={kind} query={query} onClose={() => setDialog(null)} />}
      {dialog === 'mailing' && <MailingDialog query={query} onClose={() => setDialog(null)} />}
    </>
  );
}

export function ExportDialog({ kind, query, onClose }: { kind: api.Kind; query: Partial<api.ListQuery>; onClose: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [choice, setChoice] = useState<tr.ExportChoice>('csv');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [count, setCount] = useState<number | null>(null);
  // Warnings of the file just written: shown here before the user sends it.
  const [warnings, setWarnings] = useState<tr.ExportWarning[] | null>(null);
  // 第三者提供 (issue 18): recipient and purpose when the file goes to another company.
  const [third, setThird] = useState<appi.ThirdParty | null>(null);
  const [provided, setProvided] = useState<appi.ThirdPartyExport | null>(null);
  const filtered = (query.filters?.length ?? 0) > 0 || !!query.q;
  useEffect(() => {
    let alive = true;
    api.list(kind, { filters: query.filters ?? [], q: query.q, limit: 1 }).then(
      (p) => alive && setCount(p.total ?? null),
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [kind, query]);
  const choices: { value: tr.ExportChoice; label: string }[] = [
    { value: 'csv', label: t('exp_csv_utf8') },
    { value: 'csv_sjis', label: t('exp_csv_sjis') },
    { value: 'xlsx', label: 'Excel (.xlsx)' },
    ...(kind === 'contact' ? [{ value: 'vcf' as const, label: t('exp_vcard') }] : []),
  ];
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      let r;
      if (third) {
        const done = await appi.exportThirdParty(kind, query, choice, third);
        setProvided(done);
        r = done.export;
      } else {
        r = await tr.exportList(kind, query, choice);
      }
      const saved = r.base64 ? await tr.saveFile({ name: r.name, base64: r.base64 }) : null;
      toast(saved ? `${t('exp_done', { n: formatNumber(r.rows, lang) })}: ${saved}` : t('exp_done', { n: formatNumber(r.rows, lang) }));
      if (r.warnings.length > 0) setWarnings(r.warnings);
      else if (!third) onClose();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  if (provided && !warnings) return <ProvisionDone result={provided} onClose={onClose} />;
  return (
    <Dialog title={t('exp_title')} onClose={onClose} testid="dialog-export">
      <p className="muted small" data-testid="export-scope">
        {filtered ? t('exp_scope_filtered') : t('exp_scope_all')}
        {count != null && ` · ${t('rows', { n: formatNumber(count, lang) })}`}
      </p>
      <fieldset className="exp-formats">
        {choices.map((c) => (
          <label key={c.value} className="radio">
            <input type="radio" name="export-format" value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} data-testid={`export-format-${c.value}`} />
            {c.label}
          </label>
        ))}
      </fieldset>
      {kind === 'contact' && <ThirdPartyFields value={third} onChange={setThird} />}
      {error && (
        <p className="banner banner-error" role="alert">
          {describeError(error, lang)}
        </p>
      )}
      {warnings && <ExportWarnings warnings={warnings} />}
      <div className="form-actions">
        <button className="btn" onClick={onClose}>
          {warnings ? t('close') : t('cancel')}
        </button>
        <button className="btn btn-primary" onClick={() => void run()} disabled={busy} aria-busy={busy} data-testid="export-run">
          {busy ? t('exp_running') : t('exp_download')}
        </button>
      </div>
    </Dialog>
  );
}

/** The warnings of a file just written (cells cut, characters lost), in the user's language. */
function ExportWarnings({ warnings }: { warnings: tr.ExportWarning[] }) {
  const { t, lang } = useI18n();
  return (
    <div className="banner banner-error" role="status" data-testid="export-warnings">
      <p>{t('exp_warnings', { n: formatNumber(warnings.length, lang) })}</p>
      <ul className="plain small">
        {warnings.map((w, i) => (
          <li key={i}>{tr.exportWarningText(w, lang)}</li>
        ))}
      </ul>
    </div>
  );
}

export function MailingDialog({ query, onClose }: { query: Partial<api.ListQuery>; onClose: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [days, setDays] = useState('');
  const [excludeLost, setExcludeLost] = useState(false);
  const [choice, setChoice] = useState<tr.ExportChoice>('csv');
  const [result, setResult] = useState<MailingListResult | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // The list is made again when an option changes: seconds at 300k contacts.
  const [computing, setComputing] = useState(true);
  const [warnings, setWarnings] = useState<tr.ExportWarning[] | null>(null);
  const options = () => ({
    query: { filters: query.filters ?? [], q: query.q, no_total: true },
    exclude_bought_within_days: /^\d+$/.test(days.trim()) ? Number(days.trim()) : undefined,
    exclude_status: excludeLost ? ['lost'] : [],
  });
  useEffect(() => {
    let alive = true;
    setComputing(true);
    const timer = setTimeout(() => {
      tr.mailingList(options()).then(
        (r) => {
          if (!alive) return;
          setResult(r);
          setError(null);
          setComputing(false);
        },
        (e) => {
          if (!alive) return;
          setError(api.toApiError(e));
          setComputing(false);
        },
      );
    }, 200);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [days, excludeLost, query]);
  const download = async () => {
    setBusy(true);
    try {
      const r = await tr.mailingList(options(), choice);
      const saved = r.file?.base64 ? await tr.saveFile({ name: r.file.name, base64: r.file.base64 }) : null;
      toast(saved ? `${t('exp_done', { n: formatNumber(r.list.rows.length, lang) })}: ${saved}` : t('exp_done', { n: formatNumber(r.list.rows.length, lang) }));
      if (r.file?.warnings.length) setWarnings(r.file.warnings);
      else onClose();
    } catch (e) {
      setError(api.toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const ex = result?.list.excluded;
  const reasons: [string, number][] = ex
    ? [
        [t('dm_ex_contact_bounced'), ex.contact_bounced],
        [t('dm_ex_contact_moved'), ex.contact_moved],
        [t('dm_ex_company_bounced'), ex.company_bounced],
        [t('dm_ex_company_moved'), ex.company_moved],
        [t('dm_ex_company_closed'), ex.company_closed],
        [t('dm_ex_company_status'), ex.company_status],
        [t('dm_ex_bought_recently'), ex.bought_recently],
        [t('dm_ex_no_address'), ex.no_address],
        [t('appi_stop'), ex.use_stopped ?? 0],
      ]
    : [];
  return (
    <Dialog title={t('dm_title')} onClose={onClose} testid="dialog-mailing" wide>
      <p className="muted small">{t('dm_lead')}</p>
      <div className="dm-options">
        <label>
          {t('dm_exclude_bought')}
          <input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} placeholder="90" className="filter-sm" data-testid="mailing-days" />
          {t('dm_days')}
        </label>
        <label className="switch">
          <input type="checkbox" checked={excludeLost} onChange={(e) => setExcludeLost(e.target.checked)} data-testid="mailing-exclude-lost" />
          {t('dm_exclude_lost')}
        </label>
      </div>
      {computing && (
        <p className="muted small" aria-busy="true" data-testid="mailing-computing">
          {t('dm_computing')}
        </p>
      )}
      {result && (
        <div className="dm-result">
          <p>
            <strong data-testid="mailing-count">{formatNumber(result.list.rows.length, lang)}</strong> {t('dm_count')}
          </p>
          <ul className="plain small" data-testid="mailing-excluded">
            {reasons
              .filter(([, n]) => n > 0)
              .map(([label, n]) => (
                <li key={label}>
                  {t('dm_excluded')}: {label} {n}
                </li>
              ))}
          </ul>
          {/* The first labels as they will be printed (for Japanese post, with 様): data, not words of the UI. */}
          <table className="table small" translate="no">
            <tbody>
              {result.list.rows.slice(0, 5).map((r) => (
                <tr key={r.contact_id}>
                  <td className="nowrap">〒{r.postal_code}</td>
                  <td>{r.address}</td>
                  <td>
                    {[r.company_name, r.department, r.title].filter(Boolean).join(' ')} {r.name} {r.honorific}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error && (
        <p className="banner banner-error" role="alert">
          {describeError(error, lang)}
        </p>
      )}
      {warnings && <ExportWarnings warnings={warnings} />}
      <div className="form-actions">
        <select value={choice} onChange={(e) => setChoice(e.target.value as tr.ExportChoice)} data-testid="mailing-format" aria-label={t('exp_title')}>
          <option value="csv">{t('exp_csv_utf8')}</option>
          <option value="csv_sjis">{t('exp_csv_sjis')}</option>
          <option value="xlsx">Excel (.xlsx)</option>
        </select>
        <button className="btn btn-primary" onClick={() => void download()} disabled={busy || computing || !result?.list.rows.length} aria-busy={busy} data-testid="mailing-download">
          {busy ? t('exp_running') : t('exp_download')}
        </button>
      </div>
      <LabelPrint options={options} />
    </Dialog>
  );
}

/** 宛名ラベル (#22): the same list on A4 label sheets, as a PDF. */
function LabelPrint({ options }: { options: () => MailingOptions }) {
  const { t } = useI18n();
  const [layout, setLayout] = useState<LabelLayout>('12');
  const [companies, setCompanies] = useState(false);
  return (
    <div className="form-actions" data-testid="mailing-print">
      <strong>{t('print_labels')}</strong>
      <label>
        {t('print_layout')}{' '}
        <select value={layout} onChange={(e) => setLayout(e.target.value as LabelLayout)} data-testid="labels-layout">
          <option value="12">{t('print_layout_12')}</option>
          <option value="24">{t('print_layout_24')}</option>
        </select>
      </label>
      <label className="switch">
        <input type="checkbox" checked={companies} onChange={(e) => setCompanies(e.target.checked)} data-testid="labels-companies" />
        {t('print_companies_onchu')}
      </label>
      <PrintButton cmd={() => ({ cmd: 'print_labels', options: { mailing: options(), layout, companies_without_contacts: companies } })} testid="labels-print" />
    </div>
  );
}
