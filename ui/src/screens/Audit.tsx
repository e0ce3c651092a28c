// 監査ログ (issue 18 item 3): who exported, printed, backed up, deleted…
// when and on which computer, filtered by who, what and period; and a check
// of the hash chains (改ざんを確認). Entries of every laptop arrive through
// the sync folder: the device column and filter say which computer.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData } from '../app/data';
import type { AuditQuery } from '../bindings/AuditQuery';
import type { AuditRecord } from '../bindings/AuditRecord';
import type { AuditVerification } from '../bindings/AuditVerification';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';

const ACTIONS = [
  'export',
  'mailing_list',
  'print',
  'backup',
  'restore',
  'merge',
  'unmerge',
  'delete',
  'erase',
  'erase_backup',
  'import',
  'handover',
  'handover_undo',
  'sync_configure',
  'sync_disable',
  'disclose',
  'correct',
  'use_stop',
  'use_resume',
  'third_party_export',
  'incident',
] as const;

async function auditList(query: AuditQuery): Promise<AuditRecord[]> {
  const r = await api.call({ cmd: 'audit_list', query });
  if (r.type !== 'audit_entries') throw { code: 'bad_response', message: `expected audit_entries, got ${r.type}`, details: [] };
  return r.data;
}

async function auditVerify(): Promise<AuditVerification> {
  const r = await api.call({ cmd: 'audit_verify' });
  if (r.type !== 'audit_verification') throw { code: 'bad_response', message: `expected audit_verification, got ${r.type}`, details: [] };
  return r.data;
}

/** Local midnight of a `YYYY-MM-DD` day, in ms. */
function dayStart(day: string): number | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function when(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function AuditScreen() {
  const { t, lang } = useI18n();
  const { users, revision } = useAppData();
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const [device, setDevice] = useState('');
  // Every computer seen in the trail (kept across filters, so the list of
  // computers does not shrink to the one chosen).
  const [devices, setDevices] = useState<Map<string, string>>(new Map());
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [entries, setEntries] = useState<AuditRecord[] | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [verified, setVerified] = useState<AuditVerification | null>(null);

  useEffect(() => {
    let alive = true;
    const end = dayStart(to);
    auditList({
      user_id: user || undefined,
      action: action || undefined,
      device_id: device || undefined,
      from_ms: dayStart(from),
      to_ms: end == null ? undefined : end + 86_400_000,
      limit: 1000,
    }).then(
      (l) => {
        if (!alive) return;
        setEntries(l);
        setDevices((prev) => {
          const next = new Map(prev);
          for (const e of l) next.set(e.device_id, e.device_name ?? next.get(e.device_id) ?? e.device_id);
          return next.size === prev.size && [...next].every(([k, v]) => prev.get(k) === v) ? prev : next;
        });
        setError(null);
      },
      (e) => alive && setError(api.toApiError(e)),
    );
    return () => {
      alive = false;
    };
  }, [user, action, device, from, to, revision]);

  const verify = () => {
    setVerified(null);
    auditVerify().then(
      (v) => {
        setVerified(v);
        setError(v.ok ? null : { code: 'audit_chain_broken', message: '', details: [] });
      },
      (e) => setError(api.toApiError(e)),
    );
  };

  // The chains are checked as the screen opens (and after every change the
  // app hears of, e.g. a round that brought other laptops' entries): an
  // altered entry is said at once, without waiting for the button.
  useEffect(() => {
    let alive = true;
    auditVerify().then(
      (v) => {
        if (!alive || v.ok) return;
        setVerified(v);
        setError({ code: 'audit_chain_broken', message: '', details: [] });
      },
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [revision]);

  // The entry the check named (an entry altered here or in the sync folder).
  const broken = (e: AuditRecord) =>
    verified != null && !verified.ok && verified.broken_device === e.device_id && verified.broken_device_seq === e.device_seq;

  const actionLabel = (a: string) => {
    const key = `audit_act_${a}` as DictKey;
    const s = t(key);
    return s === key ? a : s;
  };

  return (
    <div className="page" data-testid="screen-audit">
      <div className="page-head">
        <div>
          <h1>{t('audit_title')}</h1>
          <p className="muted">{t('audit_lead')}</p>
        </div>
        <button type="button" className="btn btn-sm" onClick={verify} data-testid="audit-verify">
          {t('audit_verify')}
        </button>
      </div>
      <div className="filters" role="search">
        <select value={user} onChange={(e) => setUser(e.target.value)} aria-label={t('audit_who')} data-testid="audit-user">
          <option value="">{t('audit_everyone')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.display_name}
            </option>
          ))}
        </select>
        <select value={action} onChange={(e) => setAction(e.target.value)} aria-label={t('audit_what')} data-testid="audit-action">
          <option value="">{t('audit_all_actions')}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {actionLabel(a)}
            </option>
          ))}
        </select>
        <select value={device} onChange={(e) => setDevice(e.target.value)} aria-label={t('audit_device')} data-testid="audit-device">
          <option value="">{t('audit_all_devices')}</option>
          {[...devices].map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <label className="small">
          {t('audit_from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="audit-from" />
        </label>
        <label className="small">
          {t('audit_to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="audit-to" />
        </label>
      </div>
      {verified?.ok && (
        <div className="banner" data-testid="audit-verified">
          {t('audit_verified', { n: verified.entries })}
        </div>
      )}
      {error && (
        <div className="banner banner-error" data-testid="audit-error">
          {describeError(error, lang)}
          {verified && !verified.ok && ` (${verified.broken_device} #${verified.broken_device_seq})`}
        </div>
      )}
      {entries == null ? (
        <p className="muted">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="audit-empty">
          {t('audit_empty')}
        </p>
      ) : (
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('audit_when')}</th>
              <th>{t('audit_who')}</th>
              <th>{t('audit_device')}</th>
              <th>{t('audit_what')}</th>
              <th>{t('audit_target')}</th>
              <th>{t('audit_count')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={`${e.device_id}-${e.device_seq}`}
                data-testid="audit-row"
                data-action={e.action}
                data-broken={broken(e) ? 'true' : undefined}
              >
                <td>{when(e.at)}</td>
                <td>{e.user_name ?? e.user_id ?? t('audit_no_user')}</td>
                <td className="small muted" title={e.device_id} data-testid="audit-device-name">
                  {e.device_name ?? e.device_id}
                </td>
                <td>
                  {actionLabel(e.action)}
                  {broken(e) && <span className="badge badge-warn"> {t('audit_broken_row')}</span>}
                </td>
                <td className="small">{[e.kind, e.format].filter(Boolean).join(' · ')}</td>
                <td data-testid="audit-count">{e.count ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
