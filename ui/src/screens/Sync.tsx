// #/sync — folder sync (issue 5): choose the shared folder, passphrase and
// this computer's name; see the status (last sync, changes waiting, other
// computers and when each was last seen, problems in words); sync now; and
// review conflicts (keep the current value or take the other one).

import { useEffect, useId, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { DeviceStatus } from '../bindings/DeviceStatus';
import type { SkewedEdit } from '../bindings/SkewedEdit';
import type { SyncConflict } from '../bindings/SyncConflict';
import type { SyncIssue } from '../bindings/SyncIssue';
import { useAppData, useToast } from '../app/data';
import { resolveConflict, syncConfigure, syncConflicts, syncSkewedEdits, syncDisable, syncNow as syncRound, syncTest, syncWords, useSync } from '../app/sync';
import type { S3Settings } from '../bindings/S3Settings';
import { FieldValue, isBlank, RefLink } from '../components/RecordView';
import { WithCodes } from '../components/WithCodes';
import { formatTimestamp } from '../dates';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { ask } from '../confirm';
import { OrphansCard } from './Orphans';

export function SyncScreen() {
  const { t } = useI18n();
  return (
    <div className="page" data-testid="screen-sync">
      <div className="page-head">
        <div>
          <h1>{t('sync_title')}</h1>
          <p className="muted">{t('sync_intro')}</p>
        </div>
      </div>
      <div className="settings-grid">
        <SyncSetupCard />
        <SyncStatusCard />
        <ConflictsCard />
        <SkewedEditsCard />
        <OrphansCard />
      </div>
    </div>
  );
}

function Field({ label, error, hint, children, testid }: { label: string; error?: string; hint?: string; children: (id: string) => ReactNode; testid: string }) {
  const id = useId();
  return (
    <div className={`field field-wide ${error ? 'has-error' : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="field-control">{children(id)}</div>
      {hint && (
        <div className="muted small">
          <WithCodes text={hint} />
        </div>
      )}
      {error && (
        <div className="field-error" role="alert" data-testid={`error-${testid}`}>
          {error}
        </div>
      )}
    </div>
  );
}

function SyncSetupCard() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const failed = useSyncFailure();
  const { status, setStatus, syncNow } = useSync();
  const setup = status?.setup ?? null;
  const [folder, setFolder] = useState('');
  const [kind, setKind] = useState<'folder' | 's3'>('folder');
  const [s3, setS3] = useState({ endpoint: '', bucket: '', prefix: '', region: '', access_key_id: '', secret_access_key: '' });
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [removePassphrase, setRemovePassphrase] = useState(false);
  const [deviceName, setDeviceName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(false);

  // Fill the form once from the saved setup; never overwrite what the user typed.
  useEffect(() => {
    if (!status || loaded) return;
    const saved = status.setup?.s3;
    if (saved) {
      setKind('s3');
      setS3({ endpoint: saved.endpoint, bucket: saved.bucket, prefix: saved.prefix, region: saved.region, access_key_id: '', secret_access_key: '' });
    } else setFolder(status.setup?.folder ?? '');
    setDeviceName(status.device_name ?? '');
    setLoaded(true);
  }, [status, loaded]);

  // The desktop app's folder picker (tauri-plugin-dialog); the browser types the path.
  const browse = async () => {
    const { open } = await import('@tauri-apps/plugin-dialog');
    const picked = await open({ directory: true, multiple: false, defaultPath: folder || undefined });
    if (typeof picked === 'string') setFolder(picked);
  };

  // The bucket as typed; empty keys keep the saved ones.
  const bucket = (): S3Settings | undefined =>
    kind === 's3'
      ? { ...s3, access_key_id: s3.access_key_id.trim() || undefined, secret_access_key: s3.secret_access_key || undefined }
      : undefined;
  const setS3Field = (name: keyof typeof s3) => (e: { target: { value: string } }) => setS3((v) => ({ ...v, [name]: e.target.value }));
  const showError = (e: unknown) => {
    const err = api.toApiError(e);
    if (err.field) setErrors({ [err.field]: syncWords(err.code, lang, err.message) });
    return err;
  };

  const test = async () => {
    setTesting(true);
    setErrors({});
    setTestResult(null);
    try {
      const n = await syncTest(kind === 'folder' ? folder : '', bucket());
      setTestResult({ ok: true, text: t('sync_test_ok', { n: formatNumber(n) }) });
    } catch (e) {
      const err = showError(e);
      setTestResult({ ok: false, text: syncWords(err.code, lang, err.message) });
    } finally {
      setTesting(false);
    }
  };

  const save = async () => {
    setBusy(true);
    setErrors({});
    setTestResult(null);
    try {
      const pass = removePassphrase ? '' : passphrase ? passphrase : setup ? undefined : '';
      setStatus(await syncConfigure(kind === 'folder' ? folder : '', pass, deviceName, bucket()));
      setS3((v) => ({ ...v, access_key_id: '', secret_access_key: '' }));
      setPassphrase('');
      setRemovePassphrase(false);
      try {
        await syncNow();
        toast(t('sync_done'));
      } catch (e) {
        failed(e);
      }
    } catch (e) {
      const err = showError(e);
      if (!err.field) toast(syncWords(err.code, lang, err.message), 'error');
    } finally {
      setBusy(false);
    }
  };

  const disable = async () => {
    try {
      setStatus(await syncDisable());
      toast(t('sync_disabled'));
    } catch (e) {
      failed(e);
    }
  };

  return (
    <section className="card" data-testid="sync-setup">
      <h2>{t('sync_setup')}</h2>
      <form
        className="sync-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset className="field field-wide" data-testid="sync-kind">
          <legend className="field-label">{t('sync_kind')}</legend>
          {(['folder', 's3'] as const).map((k) => (
            <label key={k} className="switch">
              <input type="radio" name="sync-kind" value={k} checked={kind === k} onChange={() => (setKind(k), setErrors({}), setTestResult(null))} data-testid={`sync-kind-${k}`} />
              {t(k === 'folder' ? 'sync_kind_folder' : 'sync_kind_s3')}
            </label>
          ))}
        </fieldset>
        {kind === 's3' && (
          <>
            {/* The endpoint, bucket, prefix and region (and their examples) are codes: translate="no". */}
            <Field label={t('sync_s3_endpoint')} error={errors.endpoint} hint={t('sync_s3_endpoint_hint')} testid="endpoint">
              {(id) => <input id={id} value={s3.endpoint} onChange={setS3Field('endpoint')} placeholder="https://s3.ap-northeast-1.wasabisys.com" translate="no" data-testid="sync-s3-endpoint" aria-invalid={!!errors.endpoint} />}
            </Field>
            <Field label={t('sync_s3_bucket')} error={errors.bucket} testid="bucket">
              {(id) => <input id={id} value={s3.bucket} onChange={setS3Field('bucket')} placeholder="daifuku-office" translate="no" data-testid="sync-s3-bucket" aria-invalid={!!errors.bucket} />}
            </Field>
            <Field label={t('sync_s3_prefix')} error={errors.prefix} hint={t('sync_s3_prefix_hint')} testid="prefix">
              {(id) => <input id={id} value={s3.prefix} onChange={setS3Field('prefix')} placeholder="osaka" translate="no" data-testid="sync-s3-prefix" aria-invalid={!!errors.prefix} />}
            </Field>
            <Field label={t('sync_s3_access_key_id')} error={errors.access_key_id} testid="access-key-id">
              {(id) => (
                <input id={id} value={s3.access_key_id} onChange={setS3Field('access_key_id')} autoComplete="off" placeholder={setup?.s3?.has_secret ? t('sync_s3_secret_saved') : ''} data-testid="sync-s3-access-key-id" aria-invalid={!!errors.access_key_id} />
              )}
            </Field>
            <Field label={t('sync_s3_secret')} error={errors.secret_access_key} testid="secret-access-key">
              {(id) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="new-password"
                  value={s3.secret_access_key}
                  onChange={setS3Field('secret_access_key')}
                  placeholder={setup?.s3?.has_secret ? t('sync_s3_secret_saved') : ''}
                  data-testid="sync-s3-secret"
                  aria-invalid={!!errors.secret_access_key}
                />
              )}
            </Field>
            <Field label={t('sync_s3_region')} error={errors.region} hint={t('sync_s3_region_hint')} testid="region">
              {(id) => <input id={id} value={s3.region} onChange={setS3Field('region')} placeholder="ap-northeast-1" translate="no" data-testid="sync-s3-region" />}
            </Field>
          </>
        )}
        {kind === 'folder' && (
          <Field label={t('sync_folder')} error={errors.folder} hint={t('sync_folder_hint')} testid="folder">
            {(id) => (
              <input
                id={id}
                value={folder}
                onChange={(e) => setFolder(e.target.value)}
                placeholder={lang === 'ja' ? '例: C:\\Users\\yamada\\Dropbox\\大福帳 または \\\\nas\\share\\daifuku' : 'e.g. /Users/yamada/Dropbox/Daifuku'}
                data-testid="sync-folder"
                aria-invalid={!!errors.folder}
              />
            )}
          </Field>
        )}
        {kind === 'folder' && api.inTauri() && (
          <button type="button" className="btn btn-sm" onClick={() => void browse()} data-testid="sync-browse">
            {t('sync_browse')}
          </button>
        )}
        <Field label={t('sync_device_name')} error={errors.device_name} hint={t('sync_device_name_hint')} testid="device-name">
          {(id) => (
            <input id={id} value={deviceName} onChange={(e) => setDeviceName(e.target.value)} placeholder={lang === 'ja' ? '例: 営業部 山田のノートPC' : "e.g. Yamada's laptop"} data-testid="sync-device-name" />
          )}
        </Field>
        <Field label={t('sync_passphrase')} error={errors.passphrase} hint={t('sync_passphrase_hint')} testid="passphrase">
          {(id) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              value={passphrase}
              disabled={removePassphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              placeholder={setup?.encrypted ? t('sync_passphrase_saved') : t('sync_passphrase_none')}
              data-testid="sync-passphrase"
            />
          )}
        </Field>
        {setup?.encrypted && (
          <label className="switch">
            <input type="checkbox" checked={removePassphrase} onChange={(e) => setRemovePassphrase(e.target.checked)} data-testid="sync-passphrase-remove" />
            {t('sync_passphrase_remove')}
          </label>
        )}
        {testResult && (
          <div className={testResult.ok ? 'muted' : 'field-error'} role={testResult.ok ? 'status' : 'alert'} data-testid="sync-test-result">
            {testResult.text}
          </div>
        )}
        <div className="sync-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="sync-save">
            {busy ? t('saving') : t('sync_save')}
          </button>
          <button type="button" className="btn" disabled={testing} onClick={() => void test()} data-testid="sync-test">
            {testing ? t('sync_testing') : t('sync_test')}
          </button>
          {setup && (
            <button type="button" className="btn" onClick={() => void disable()} data-testid="sync-disable">
              {t('sync_disable')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/** Each problem once, in words. */
/** Shows why a sync command failed, in the user's words. */
function useSyncFailure(): (e: unknown) => void {
  const { lang } = useI18n();
  const toast = useToast();
  return (e) => {
    const err = api.toApiError(e);
    toast(syncWords(err.code, lang, err.message), 'error');
  };
}

function issueList(issues: SyncIssue[]): SyncIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.code) && !!seen.add(i.code));
}

/** "約1年" / "about 1 year": how far a clock is off. */
export function clockAmount(ms: number, lang: string): string {
  const m = Math.floor(Math.abs(ms) / 60000);
  const [n, ja, en]: [number, string, string] =
    m < 120 ? [m, '分', 'minute'] : m < 48 * 60 ? [Math.floor(m / 60), '時間', 'hour'] : m < 60 * 1440 ? [Math.floor(m / 1440), '日', 'day'] : m < 330 * 1440 ? [Math.floor(m / (30 * 1440)), 'か月', 'month'] : [Math.floor((m + 182 * 1440) / (365 * 1440)), '年', 'year'];
  return lang === 'ja' ? `約${n}${ja}` : `about ${n} ${en}${n === 1 ? '' : 's'}`;
}

function deviceLabel(devices: DeviceStatus[], id: string): string {
  const d = devices.find((x) => x.device_id === id);
  return d?.name || id;
}

function SyncStatusCard() {
  const { t, lang, wareki } = useI18n();
  const toast = useToast();
  const failed = useSyncFailure();
  const { status, syncing, error, syncNow, setStatus } = useSync();
  if (!status) return <section className="card">{t('loading')}</section>;
  const retire = async (d: DeviceStatus) => {
    if (!(await ask(t('sync_retire_confirm', { name: d.name || d.device_id })))) return;
    try {
      const s = await syncRound([d.device_id]);
      setStatus(s);
      // While a round runs the host starts no other: nothing was retired yet.
      toast(t(s.running ? 'sync_busy' : 'sync_retire_done'));
    } catch (e) {
      failed(e);
    }
  };
  const report = status.last_report;
  const failure = error ? { code: error.code, message: error.message } : status.last_error;
  const problems = issueList([...(report?.errors ?? []), ...(report?.warnings ?? []), ...status.unreadable_files]);
  const run = async () => {
    try {
      const s = await syncNow();
      toast(t(s.running ? 'sync_busy' : 'sync_done'));
    } catch (e) {
      failed(e);
    }
  };
  return (
    <section className="card" data-testid="sync-status">
      <header className="card-head">
        <h2>{t('sync_status')}</h2>
        <button className="btn btn-primary btn-sm" onClick={() => void run()} disabled={!status.setup || syncing} data-testid="sync-now">
          🔄 {syncing ? t('sync_state_syncing') : t('sync_now')}
        </button>
      </header>
      {failure && (
        <div className="sync-error" role="alert" data-testid="sync-error" data-code={failure.code}>
          {syncWords(failure.code, lang, failure.message)}
        </div>
      )}
      {report?.clock_off_ms != null && (
        <div className="sync-error" role="alert" data-testid="sync-clock-self">
          {t('sync_clock_self', {
            amount: clockAmount(report.clock_off_ms, lang),
            dir: t(report.clock_off_ms > 0 ? 'sync_clock_dir_ahead' : 'sync_clock_dir_behind'),
            effect: t(report.clock_off_ms > 0 ? 'sync_clock_effect_ahead' : 'sync_clock_effect_behind'),
          })}
        </div>
      )}
      {status.passphrase_in_file && (
        <div className="sync-error" role="alert" data-testid="sync-passphrase-in-file">
          {t('sync_passphrase_in_file')} <a href="#/settings">{t('enc_title')}</a>
        </div>
      )}
      <dl className="sync-facts">
        <dt>{t('sync_last')}</dt>
        <dd data-testid="sync-last" data-at={status.last_sync_at ?? ''}>{status.last_sync_at ? formatTimestamp(status.last_sync_at, wareki, lang) : t('sync_never')}</dd>
        <dt>{t('sync_pending')}</dt>
        <dd data-testid="sync-pending">{t('sync_n_changes', { n: formatNumber(status.pending_changes, lang) })}</dd>
        <dt>{t('sync_open_conflicts')}</dt>
        <dd data-testid="sync-open-conflicts">{status.open_conflicts}</dd>
        {report && (
          <>
            <dt>{t('sync_last_round')}</dt>
            <dd data-testid="sync-report">
              {t('sync_report', { received: report.changes_applied, sent: report.changes_written, conflicts: report.conflicts_new })}
            </dd>
          </>
        )}
        {(report?.attachments_pending ?? 0) > 0 && (
          <>
            <dt>{t('att_title')}</dt>
            <dd data-testid="sync-attachments-pending">{t('sync_att_pending', { n: formatNumber(report!.attachments_pending, lang) })}</dd>
          </>
        )}
      </dl>
      {problems.length > 0 && (
        <ul className="sync-problems" data-testid="sync-problems">
          {problems.map((p) => (
            <li key={p.code}>{syncWords(p.code, lang, p.message)}</li>
          ))}
        </ul>
      )}
      <h3 className="sub">{t('sync_devices')}</h3>
      <table className="table" data-testid="sync-devices">
        <thead>
          <tr>
            <th>{t('sync_device')}</th>
            <th>{t('sync_last_seen')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {status.devices.map((d) => (
            <tr key={d.device_id} data-testid="sync-device-row" className={d.retired ? 'row-past' : ''}>
              <td>
                <strong>{d.name || d.device_id}</strong> {d.this_device && <span className="badge">{t('sync_this_device')}</span>}
                {d.retired && <span className="badge badge-lost">{t('sync_retired')}</span>}
                {d.clock_off_ms != null && (
                  <span className="badge badge-lost" data-testid="sync-device-clock">
                    {t(d.clock_off_ms > 0 ? 'sync_clock_ahead_by' : 'sync_clock_behind_by', { amount: clockAmount(d.clock_off_ms, lang) })}
                  </span>
                )}
                <div className="muted small">
                  <code>{d.device_id}</code>
                </div>
              </td>
              <td className="nowrap">{d.last_seen ? formatTimestamp(d.last_seen, wareki, lang) : '—'}</td>
              <td className="right">
                {!d.this_device && !d.retired && status.setup && (
                  <button className="btn btn-sm" onClick={() => void retire(d)} disabled={syncing} data-testid="sync-retire" title={t('sync_retire_hint')}>
                    {t('sync_retire')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A conflicting value, shown like the field shows it. */
export function ConflictValue({ c, value }: { c: SyncConflict; value: unknown }) {
  const { t } = useI18n();
  const { schema } = useAppData();
  const def = schema.get(c.kind)?.fields.find((f) => f.name === c.field);
  if (isBlank(value)) return <span className="muted">{t('sync_empty_value')}</span>;
  if (def) return <FieldValue def={def} value={value} />;
  return <>{typeof value === 'string' ? value : JSON.stringify(value)}</>;
}

/** A conflict's field, by its label. */
export function ConflictField({ c }: { c: SyncConflict }) {
  const { label } = useI18n();
  const { schema } = useAppData();
  const def = schema.get(c.kind)?.fields.find((f) => f.name === c.field);
  return <>{def ? label(def) : c.field}</>;
}

/** Keep / take buttons of one conflict; `onDone` after it is settled. */
export function ConflictButtons({ c, onDone, version }: { c: SyncConflict; onDone: () => void; version?: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const failed = useSyncFailure();
  const { bump } = useAppData();
  const [busy, setBusy] = useState(false);
  const deleted = c.reason === 'edited_while_deleted';
  const settle = async (choice: 'current' | 'other') => {
    setBusy(true);
    try {
      await resolveConflict(c.id, choice, choice === 'other' ? version : undefined);
      toast(t('sync_resolved'));
      bump();
      onDone();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="conflict-buttons">
      <button className="btn btn-sm" disabled={busy} onClick={() => void settle('current')} data-testid="conflict-keep">
        {deleted ? t('sync_keep_deleted') : t('sync_keep_current')}
      </button>
      <button className="btn btn-sm btn-primary" disabled={busy} onClick={() => void settle('other')} data-testid="conflict-take">
        {deleted ? t('sync_take_edit') : t('sync_take_other')}
      </button>
    </span>
  );
}

/** "Take this value" for one of several losing values. */
function TakeThis({ c, version, onDone }: { c: SyncConflict; version: string; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const failed = useSyncFailure();
  const { bump } = useAppData();
  const [busy, setBusy] = useState(false);
  const take = async () => {
    setBusy(true);
    try {
      await resolveConflict(c.id, 'other', version);
      toast(t('sync_resolved'));
      bump();
      onDone();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button className="btn btn-sm" disabled={busy} onClick={() => void take()} data-testid="conflict-take-this">
      {t('sync_take_this')}
    </button>
  );
}

function ConflictsCard() {
  const { t, lang, wareki, kindLabel } = useI18n();
  const { schema, revision } = useAppData();
  const { status } = useSync();
  const [items, setItems] = useState<SyncConflict[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const openCount = status?.open_conflicts;
  const lastSync = status?.last_sync_at;
  useEffect(() => {
    syncConflicts().then(
      (c) => {
        setItems(c);
        setError(null);
      },
      (e) => setError(syncWords(api.toApiError(e).code, lang, api.toApiError(e).message)),
    );
  }, [revision, tick, openCount, lastSync, lang]);
  const devices = status?.devices ?? [];
  return (
    <section className="card card-span" data-testid="sync-conflicts">
      <header className="card-head">
        <h2>{t('sync_conflicts')}</h2>
      </header>
      <p className="muted small">{t('sync_conflicts_intro')}</p>
      {error && <p className="sync-error">{error}</p>}
      {items == null ? (
        <p className="muted">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty" data-testid="sync-conflicts-empty">
          {t('sync_conflicts_none')}
        </p>
      ) : (
        <table className="table" data-testid="conflicts-table">
          <thead>
            <tr>
              <th>{t('sync_conflict_record')}</th>
              <th>{t('sync_conflict_field')}</th>
              <th>{t('sync_conflict_current')}</th>
              <th>{t('sync_conflict_other')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((c) => {
              return (
                <tr key={c.id} data-testid="conflict-row" data-id={c.id} data-record={c.record_id}>
                  <td>
                    <span className="badge">{kindLabel(schema.get(c.kind), c.kind)}</span> <RefLink kind={c.kind} id={c.record_id} />
                    {c.reason === 'edited_while_deleted' && <div className="muted small">{t('sync_reason_deleted')}</div>}
                  </td>
                  <td>
                    <ConflictField c={c} />
                  </td>
                  <td data-testid="conflict-current">
                    <div className="conflict-value">
                      {c.reason === 'edited_while_deleted' ? t('sync_value_deleted') : <ConflictValue c={c} value={c.kept_value} />}
                    </div>
                    <div className="muted small">
                      {c.kept_author ? t('sync_conflict_by', { who: c.kept_author, device: deviceLabel(devices, c.kept_device) }) : deviceLabel(devices, c.kept_device)} · {formatTimestamp(c.kept_at, wareki, lang)}
                    </div>
                  </td>
                  <td data-testid="conflict-other">
                    {(c.losers.length > 0 ? c.losers : [{ value: c.other_value, version: c.other_version, device: c.other_device, author: c.other_author, at: c.other_at }]).map((l) => (
                      <div key={l.version} className="conflict-loser" data-testid="conflict-loser" data-version={l.version}>
                        <div className="conflict-value">
                          <ConflictValue c={c} value={l.value} />
                        </div>
                        <div className="muted small">
                          {l.author ? t('sync_conflict_by', { who: l.author, device: deviceLabel(devices, l.device) }) : deviceLabel(devices, l.device)} · {formatTimestamp(l.at, wareki, lang)}
                        </div>
                        {c.losers.length > 1 && <TakeThis c={c} version={l.version} onDone={() => setTick((x) => x + 1)} />}
                      </div>
                    ))}
                  </td>
                  <td className="right nowrap">
                    <ConflictButtons c={c} onDone={() => setTick((x) => x + 1)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Edits made on a computer whose clock was far ahead (issue 19): listed so someone checks them. Hidden when there are none. */
function SkewedEditsCard() {
  const { t, lang, wareki, kindLabel, label } = useI18n();
  const { schema, revision } = useAppData();
  const { status } = useSync();
  const [items, setItems] = useState<SkewedEdit[]>([]);
  const lastSync = status?.last_sync_at;
  useEffect(() => {
    syncSkewedEdits().then(setItems, () => setItems([]));
  }, [revision, lastSync]);
  if (items.length === 0) return null;
  const devices = status?.devices ?? [];
  return (
    <section className="card card-span" data-testid="sync-skewed-edits">
      <header className="card-head">
        <h2>{t('sync_skewed_edits')}</h2>
      </header>
      <p className="muted small">{t('sync_skewed_intro')}</p>
      <table className="table">
        <tbody>
          {items.map((e) => (
            <tr key={`${e.record_id}/${e.field}/${e.stamped_at}/${e.device}`} data-testid="skewed-edit-row">
              <td>
                <span className="badge">{kindLabel(schema.get(e.kind), e.kind)}</span> <RefLink kind={e.kind} id={e.record_id} />
              </td>
              <td>{(() => {
                const def = schema.get(e.kind)?.fields.find((f) => f.name === e.field);
                return def ? label(def) : e.field;
              })()}</td>
              <td>{isBlank(e.value) ? t('sync_empty_value') : typeof e.value === 'string' ? e.value : JSON.stringify(e.value)}</td>
              <td className="muted small">
                {e.author ? t('sync_conflict_by', { who: e.author, device: deviceLabel(devices, e.device) }) : deviceLabel(devices, e.device)} · {formatTimestamp(e.stamped_at, wareki, lang)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
