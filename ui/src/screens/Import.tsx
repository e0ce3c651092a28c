// The import wizard (#/import?kind=company): pick a file, check the guessed
// column mapping (editable), see row errors, warnings and duplicates (the dry
// run), then import in the background with progress and cancel. The mapping
// is saved by the core for the next file with the same headers.

import { useEffect, useState } from 'react';
import * as api from '../api';
import type { FileSource } from '../bindings/FileSource';
import type { ImportOptions } from '../bindings/ImportOptions';
import type { OnMatch } from '../bindings/OnMatch';
import type { RowPlan } from '../bindings/RowPlan';
import type { TextEncoding } from '../bindings/TextEncoding';
import { useAppData, useToast } from '../app/data';
import { href } from '../app/router';
import { FieldErrorText } from '../components/ErrorText';
import { WithValues } from '../components/WithCodes';
import { describeError, matchReason } from '../errors';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import * as tr from '../transfer';

const KINDS: api.Kind[] = ['company', 'contact', 'activity', 'deal', 'purchase', 'product', 'task', 'user'];
/** The formats by their names (CSV, Excel and vCard are names in both languages). */
const FORMAT_NAMES: Record<string, string> = { csv: 'CSV', excel: 'Excel', vcard: 'vCard' };
const LIST_ROUTE: Partial<Record<api.Kind, string>> = { company: 'companies', contact: 'contacts', activity: 'activities', deal: 'deals', product: 'products', task: 'tasks' };

type Picked = { name: string; source: FileSource };

export function ImportScreen({ initialKind }: { initialKind?: string }) {
  const { t, lang } = useI18n();
  const { schema, bump } = useAppData();
  const toast = useToast();
  const [file, setFile] = useState<Picked | null>(null);
  const [kind, setKind] = useState<string>(KINDS.includes(initialKind as api.Kind) ? (initialKind as string) : '');
  const [encoding, setEncoding] = useState<string>('');
  const [sheet, setSheet] = useState<string>('');
  const [onMatch, setOnMatch] = useState<OnMatch>('update');
  const [mapping, setMapping] = useState<tr.ColumnMap[] | null>(null);
  const [preview, setPreview] = useState<tr.ImportPreview | null>(null);
  const [previewError, setPreviewError] = useState<api.ApiError | null>(null);
  const [checking, setChecking] = useState(false);
  const [checkJob, setCheckJob] = useState<tr.JobStatus | null>(null);
  const [acceptErrors, setAcceptErrors] = useState(false);
  const [createUsers, setCreateUsers] = useState(false);
  const [job, setJob] = useState<tr.JobStatus | null>(null);
  const [jobError, setJobError] = useState<api.ApiError | null>(null);

  const options = (): ImportOptions => ({
    kind: (kind || undefined) as api.Kind | undefined,
    encoding: (encoding || undefined) as TextEncoding | undefined,
    sheet: sheet || undefined,
    mapping: mapping ?? undefined,
    on_match: onMatch,
    create_missing_users: createUsers,
  });

  // The dry run, again whenever a choice changes: a background job whose
  // progress is shown; a check made stale by a new choice is cancelled.
  useEffect(() => {
    if (!file) return;
    let alive = true;
    let jobId: string | null = null;
    setChecking(true);
    (async () => {
      try {
        let s = await tr.previewStart(file.source, options());
        jobId = s.id;
        while (alive && s.state === 'running') {
          setCheckJob(s);
          s = await tr.nextProgress(s.id, s.done === 0 ? 60 : 150);
          if (!alive) return;
        }
        if (!alive) return;
        setCheckJob(s.state === 'done' ? null : s);
        if (s.state === 'done' && s.preview) {
          setPreview(s.preview);
          setPreviewError(null);
        } else if (s.state === 'failed' && s.error) {
          setPreviewError(s.error);
        }
        setChecking(false);
      } catch (e) {
        if (!alive) return;
        setPreviewError(api.toApiError(e));
        setCheckJob(null);
        setChecking(false);
      }
    })();
    return () => {
      alive = false;
      if (jobId) tr.importCancel(jobId).catch(() => {});
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [file, kind, encoding, sheet, mapping, onMatch, createUsers]);

  // Follow a running import: the host's events in the desktop app, polls in a browser.
  useEffect(() => {
    if (!job || job.state !== 'running') return;
    let alive = true;
    tr.nextProgress(job.id, 150).then(
      (s) => {
        if (!alive) return;
        setJob(s);
        if (s.state === 'done') bump();
      },
      (e) => alive && setJobError(api.toApiError(e)),
    );
    return () => {
      alive = false;
    };
  }, [job, bump]);

  const pick = async (f: File | undefined) => {
    if (!f) return;
    const base64 = await tr.fileToBase64(f);
    setMapping(null);
    setSheet('');
    setPreview(null);
    setPreviewError(null);
    setAcceptErrors(false);
    setCreateUsers(false);
    setJob(null);
    setJobError(null);
    setFile({ name: f.name, source: { name: f.name, base64 } });
  };

  const start = async () => {
    if (!file || !preview) return;
    setJobError(null);
    try {
      // The mapping shown is what gets imported (and saved for this layout).
      setJob(await tr.importStart(file.source, { ...options(), kind: preview.kind, mapping: preview.mapping }, acceptErrors));
    } catch (e) {
      setJobError(api.toApiError(e));
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      setJob(await tr.importCancel(job.id));
    } catch (e) {
      setJobError(api.toApiError(e));
    }
  };

  const saveErrors = async () => {
    if (!preview?.error_csv) return;
    try {
      const path = await tr.saveFile(preview.error_csv);
      if (path) toast(t('file_saved_to', { path }));
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };

  const running = job?.state === 'running';
  const fieldLabel = (k: api.Kind, f: string) => {
    const def = schema.get(k)?.fields.find((x) => x.name === f);
    if (def) return lang === 'ja' ? def.label_ja : def.label_en;
    return preview ? tr.targetLabel(preview.targets, f, lang) || f : f;
  };
  const s = preview?.summary;
  // A column of the file by its header. A vCard has none: its columns are named
  // by the fields they fill (family_name …), shown by their labels.
  const columnName = (header: string, column: number) =>
    preview && preview.header_row === 0 ? tr.targetLabel(preview.targets, header, lang) || header : header || `#${column + 1}`;
  const kindLabel = (k: string) => schema.get(k as api.Kind)?.[lang === 'ja' ? 'label_ja' : 'label_en'] ?? k;
  const changeKind = (k: string) => {
    setKind(k);
    setMapping(null);
  };

  return (
    <div className="page" data-testid="screen-import">
      <div className="page-head">
        <div>
          <h1>{t('imp_title')}</h1>
          <p className="muted small">{t('imp_lead')}</p>
        </div>
      </div>

      <section className="card imp-options">
        <label className="imp-file">
          <span>{t('imp_file')}</span>
          <input type="file" accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods,.vcf" onChange={(e) => void pick(e.target.files?.[0])} disabled={running} data-testid="import-file" />
        </label>
        <label>
          <span>{t('imp_kind')}</span>
          <select value={kind} onChange={(e) => changeKind(e.target.value)} disabled={running} data-testid="import-kind">
            <option value="">{t('imp_auto')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('imp_encoding')}</span>
          <select
            value={encoding}
            onChange={(e) => {
              // Other headers may come out of another encoding: guess again.
              setEncoding(e.target.value);
              setMapping(null);
            }}
            disabled={running}
            data-testid="import-encoding"
          >
            <option value="">{t('imp_auto')}</option>
            <option value="utf8">UTF-8</option>
            <option value="shift_jis">Shift_JIS (CP932)</option>
          </select>
        </label>
        {preview && preview.sheets.length > 1 && (
          <label>
            <span>{t('imp_sheet')}</span>
            <select
              value={sheet || preview.sheet || ''}
              onChange={(e) => {
                setSheet(e.target.value);
                setMapping(null);
              }}
              disabled={running}
              data-testid="import-sheet"
              translate="no"
            >
              {preview.sheets.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          <span>{t('imp_on_match')}</span>
          <select value={onMatch} onChange={(e) => setOnMatch(e.target.value as OnMatch)} disabled={running} data-testid="import-on-match">
            <option value="update">{t('imp_on_match_update')}</option>
            <option value="skip">{t('imp_on_match_skip')}</option>
            <option value="create">{t('imp_on_match_create')}</option>
          </select>
        </label>
      </section>

      {!file && <p className="muted">{t('imp_pick_first')}</p>}
      {checking && !checkJob && <p className="muted" data-testid="import-checking">{t('imp_checking')}</p>}
      {checkJob && (
        <section className="card">
          <JobView
            job={checkJob}
            testid="check"
            onCancel={() => {
              tr.importCancel(checkJob.id).then(setCheckJob, (e) => setPreviewError(api.toApiError(e)));
            }}
          />
        </section>
      )}
      {previewError && (
        <p className="banner banner-error" role="alert" data-testid="import-preview-error">
          {describeError(previewError, lang)}
        </p>
      )}

      {preview && s && (
        <>
          {/* What the rows become, first and large: a wrong guess is changed right here. */}
          <section
            className={`card banner ${preview.kind_guessed ? 'banner-ok' : ''}`}
            style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}
            data-testid="import-kind-guess"
            data-kind={preview.kind}
            data-guessed={preview.kind_guessed}
          >
            <strong style={{ fontSize: 16 }}>{t(preview.kind_guessed ? 'imp_kind_guessed' : 'imp_kind_chosen', { kind: kindLabel(preview.kind) })}</strong>{' '}
            <label className="small" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
              {t('imp_kind_change')}
              <select style={{ width: 'auto' }} value={kind} onChange={(e) => changeKind(e.target.value)} disabled={running} data-testid="import-kind-change" aria-label={t('imp_kind_change')}>
                <option value="">{t('imp_auto')}</option>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {kindLabel(k)}
                  </option>
                ))}
              </select>
            </label>
          </section>

          <section className="card" data-testid="import-summary">
            <p className="muted small">
              {/* The file's name and sheet are the user's: translate="no". */}
              <span translate="no">{file?.name}</span> · {FORMAT_NAMES[preview.format] ?? preview.format}
              {preview.encoding && ` · ${preview.encoding === 'shift_jis' ? 'Shift_JIS' : preview.encoding.toUpperCase()}`}
              {preview.sheet && (
                <>
                  {` · ${t('imp_sheet')}: `}
                  <span translate="no">{preview.sheet}</span>
                </>
              )}
              {preview.header_row > 0 && ` · ${t('imp_header_row', { n: preview.header_row })}`}
            </p>
            <div className="imp-counts">
              <Count label={t('imp_rows')} n={s.rows} testid="imp-count-rows" />
              <Count label={t('imp_create')} n={s.create} testid="imp-count-create" />
              <Count label={t('imp_update')} n={s.update} testid="imp-count-update" />
              <Count label={t('imp_skip')} n={s.skip} testid="imp-count-skip" />
              <Count label={t('imp_error')} n={s.error} tone={s.error ? 'bad' : undefined} testid="imp-count-error" />
              <Count label={t('imp_warning')} n={s.warning} tone={s.warning ? 'warn' : undefined} testid="imp-count-warning" />
              <Count label={t('imp_dup_file')} n={s.duplicate_in_file} testid="imp-count-dup-file" />
              <Count label={t('imp_dup_db')} n={s.duplicate_in_database} testid="imp-count-dup-db" />
              {s.new_companies > 0 && <Count label={t('imp_new_companies')} n={s.new_companies} testid="imp-count-new-companies" />}
            </div>
            {preview.notices.length > 0 && (
              <ul className="imp-notices small">
                {preview.notices.map((n, i) => (
                  <li key={i} className={n.code === 'required_unmapped' ? 'text-bad' : 'muted'}>
                    {n.code === 'unmapped_column' ? (
                      <WithValues template={t('imp_unmapped')} values={{ h: n.field }} />
                    ) : n.code === 'required_unmapped' ? (
                      t('imp_required_unmapped', { f: fieldLabel(preview.kind, n.field) })
                    ) : (
                      <FieldErrorText e={n} />
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>

          {preview.missing_users.length > 0 && (
            <section className="card" data-testid="import-missing-users">
              <label className="switch">
                <input type="checkbox" checked={createUsers} onChange={(e) => setCreateUsers(e.target.checked)} disabled={running} data-testid="import-create-users" />
                {t('imp_create_users', { n: formatNumber(preview.missing_users.length, lang) })}
              </label>
              <p className="muted small">{createUsers ? t('imp_create_users_list') : t('imp_create_users_hint')}</p>
              <ul className="small" data-testid="import-missing-user-list">
                {preview.missing_users.map((u) => (
                  <li key={u.name}>
                    <WithValues template={t('imp_missing_user')} values={{ name: u.name, n: formatNumber(u.rows, lang) }} />
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section className="card" data-testid="import-mapping">
            <header className="card-head">
              <h2>{t('imp_mapping')}</h2>
              <span className="badge" data-testid="import-mapping-source">
                {preview.mapping_source === 'saved' ? t('imp_mapping_saved') : preview.mapping_source === 'given' ? t('imp_mapping_given') : t('imp_mapping_guessed')}
              </span>
            </header>
            <table className="table imp-mapping">
              <thead>
                <tr>
                  <th>{t('imp_column')}</th>
                  <th>→ {t('imp_field')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.mapping.map((c) => (
                  <tr key={c.column}>
                    <td>
                      {preview.header_row === 0 ? (
                        <strong>{columnName(c.header, c.column)}</strong>
                      ) : (
                        // The file's own header: the user's words, not the UI's.
                        <strong translate="no">{columnName(c.header, c.column)}</strong>
                      )}
                    </td>
                    <td>
                      <select
                        value={c.target ?? ''}
                        onChange={(e) => setMapping(tr.assignTarget(preview.mapping, c.column, e.target.value || null))}
                        disabled={running}
                        data-testid={`import-map-${c.column}`}
                        aria-label={columnName(c.header, c.column)}
                      >
                        <option value="">{t('imp_ignore')}</option>
                        {tr.targetOptions(preview.targets, preview.mapping, c.column, lang).map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                            {o.usedBy ? ` (← ${preview.header_row === 0 ? columnName(o.usedBy, c.column) : o.usedBy})` : ''}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="card" data-testid="import-rows">
            <header className="card-head">
              <h2>{t('imp_rows_title')}</h2>
              {preview.error_csv && (
                <button className="btn btn-sm" onClick={() => void saveErrors()} data-testid="import-error-csv">
                  ⬇ {t('imp_error_csv')}
                </button>
              )}
            </header>
            <div className="imp-rows-scroll">
              <table className="table imp-rows">
                <thead>
                  <tr>
                    <th>{t('imp_row')}</th>
                    <th>{t('imp_action')}</th>
                    <th>{t('name')}</th>
                    <th>{t('imp_notes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r) => (
                    <RowLine key={r.row} r={r} kind={preview.kind} fieldLabel={fieldLabel} />
                  ))}
                </tbody>
              </table>
            </div>
            {preview.rows_truncated && <p className="muted small">{t('imp_rows_truncated')}</p>}
          </section>

          <section className="card imp-run">
            {s.error > 0 && (
              <label className="switch">
                <input type="checkbox" checked={acceptErrors} onChange={(e) => setAcceptErrors(e.target.checked)} disabled={running} data-testid="import-accept-errors" />
                {t('imp_accept_errors', { n: formatNumber(s.error, lang) })}
              </label>
            )}
            <div className="row-gap">
              <button className="btn btn-primary" onClick={() => void start()} disabled={running || checking || !tr.canImport(preview, acceptErrors) || job?.state === 'done'} data-testid="import-run">
                {t('imp_run', { n: formatNumber(s.create + s.update, lang) })}
              </button>
            </div>
            {job && <JobView job={job} testid="import" onCancel={() => void cancel()} />}
            {jobError && (
              <p className="banner banner-error" role="alert" data-testid="import-job-error">
                {describeError(jobError, lang)}
              </p>
            )}
            {job?.state === 'done' && job.report && (
              <div className="banner banner-ok" data-testid="import-result">
                {t('imp_done', { c: job.report.created, u: job.report.updated, s: job.report.skipped, f: job.report.failed })}
                {job.report.companies_created > 0 && ` ${t('imp_done_companies', { n: formatNumber(job.report.companies_created, lang) })}`}
                {job.report.users_created > 0 && ` ${t('imp_done_users', { n: formatNumber(job.report.users_created, lang) })}`}
                {LIST_ROUTE[job.report.kind] && (
                  <>
                    {' '}
                    <a href={href(LIST_ROUTE[job.report.kind]!)} data-testid="import-open-list">
                      {t('imp_open_list')}
                    </a>
                  </>
                )}
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function JobView({ job, onCancel, testid }: { job: tr.JobStatus; onCancel: () => void; testid: 'import' | 'check' }) {
  const { t, lang } = useI18n();
  const pct = tr.percent(job);
  return (
    <div className="imp-job" data-testid={`${testid}-job`} data-state={job.state}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
        <div className="progress-bar" style={{ width: `${job.state === 'done' ? 100 : pct}%` }} />
      </div>
      <span className="small" data-testid={`${testid}-progress-text`}>
        {job.state === 'running' &&
          (job.total === 0
            ? t('imp_reading')
            : job.phase === 'index'
              ? t('imp_indexing', { p: pct })
              : job.phase === 'write'
                ? t('imp_writing', { d: job.done, n: job.total })
                : t('imp_checking_rows', { d: job.done, n: job.total }))}
        {job.state === 'cancelled' && (job.dry_run ? t('imp_check_cancelled') : t('imp_cancelled'))}
        {job.state === 'failed' && job.error && describeError(job.error, lang)}
      </span>
      {job.state === 'running' && (
        <button className="btn btn-sm" onClick={onCancel} disabled={job.cancel_requested} data-testid={`${testid}-cancel`}>
          {job.cancel_requested ? t('imp_cancelling') : t('cancel')}
        </button>
      )}
    </div>
  );
}

function Count({ label, n, tone, testid }: { label: string; n: number; tone?: 'bad' | 'warn'; testid: string }) {
  const { lang } = useI18n();
  return (
    <div className={`imp-count ${tone ? `imp-count-${tone}` : ''}`} data-testid={testid}>
      <strong>{formatNumber(n, lang)}</strong>
      <small>{label}</small>
    </div>
  );
}

function RowLine({ r, kind, fieldLabel }: { r: RowPlan; kind: api.Kind; fieldLabel: (k: api.Kind, f: string) => string }) {
  const { t, lang } = useI18n();
  const action: Record<string, string> = { create: t('imp_create'), update: t('imp_update'), skip: t('imp_skip'), error: t('imp_error') };
  const badge: Record<string, string> = { create: 'badge-customer', update: 'badge-proposal', skip: 'badge-dormant', error: 'badge-lost' };
  return (
    <tr className={r.action === 'error' ? 'imp-row-error' : ''} data-testid={`import-row-${r.row}`} data-action={r.action}>
      <td className="nowrap">{r.row}</td>
      <td>
        <span className={`badge ${badge[r.action]}`}>{action[r.action]}</span>
      </td>
      {/* The row's name, from the file. */}
      <td translate="no">{r.display_name}</td>
      <td className="small">
        {r.errors.map((e, i) => (
          <div key={`e${i}`} className="text-bad">
            ✖ {e.field ? `${fieldLabel(kind, e.field)}: ` : ''}
            <FieldErrorText e={e} />
          </div>
        ))}
        {r.warnings.map((w, i) => (
          <div key={`w${i}`} className="text-warn">
            ⚠ {w.field ? `${fieldLabel(kind, w.field)}: ` : ''}
            <FieldErrorText e={w} />
          </div>
        ))}
        {r.same_as_row != null && <div className="muted">{t('imp_same_as_row', { n: r.same_as_row })}</div>}
        {r.target_id && r.matched_by && (
          <div className="muted">
            {t('imp_matches_db')} ({matchReason(r.matched_by, lang)})
          </div>
        )}
        {r.new_company && (
          <div className="muted">
            <WithValues template={t('imp_new_company')} values={{ name: r.new_company.name }} />
          </div>
        )}
      </td>
    </tr>
  );
}
