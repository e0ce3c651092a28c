// Encryption at rest (issue 18): the lock screen of an encrypted database,
// the idle lock, and the 設定 section that turns encryption on or off,
// changes the passphrase and sets the idle minutes.
//
// The host answers `lock_status` / `unlock` / `lock` also while locked and
// `locked` to everything else, so the app asks for the status before it
// loads anything (LockGate wraps the whole app in main.tsx).

import { createContext, useContext, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import * as api from '../api';
import type { EncryptionAction } from '../bindings/EncryptionAction';
import type { LockStatus } from '../bindings/LockStatus';
import { describeError } from '../errors';
import { useI18n } from '../i18n';

const PLAIN: LockStatus = { encrypted: false, locked: false, remembered: false };

function asStatus(r: api.Answer): LockStatus {
  if (!r || r.type !== 'lock_status') throw { code: 'bad_response', message: `expected lock_status, got ${r?.type}`, details: [] };
  return r.data;
}

export const lockStatus = async () => asStatus(await api.call({ cmd: 'lock_status' }));
export const unlock = async (passphrase: string, remember: boolean) => asStatus(await api.call({ cmd: 'unlock', passphrase, remember }));
export const lockNow = async () => asStatus(await api.call({ cmd: 'lock' }));
export const setIdleMinutes = async (idle_minutes: number) => asStatus(await api.call({ cmd: 'lock_settings', idle_minutes }));
export const changeEncryption = async (action: EncryptionAction, passphrase: string | undefined, new_passphrase: string | undefined, remember: boolean) =>
  asStatus(await api.call({ cmd: 'encryption', action, passphrase, new_passphrase, remember }));

const LockContext = createContext<{ status: LockStatus; setStatus: (s: LockStatus) => void }>({ status: PLAIN, setStatus: () => {} });

export function useLock() {
  return useContext(LockContext);
}

/**
 * Idle time before the lock, in ms: the setting's minutes. Tests shorten it
 * with sessionStorage `daifuku.idle_ms` (a test hook; the app never sets it).
 */
function idleMs(minutes: number): number {
  const override = Number(typeof sessionStorage === 'undefined' ? NaN : sessionStorage.getItem('daifuku.idle_ms'));
  return Number.isFinite(override) && override > 0 ? override : minutes * 60_000;
}

/** Locks the app after the idle minutes without a key, a click or a scroll. */
function IdleLock({ minutes, onLocked }: { minutes: number; onLocked: (s: LockStatus) => void }) {
  const last = useRef(Date.now());
  useEffect(() => {
    const touch = () => {
      last.current = Date.now();
    };
    const events = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
    events.forEach((e) => window.addEventListener(e, touch, { passive: true }));
    const limit = idleMs(minutes);
    const timer = setInterval(
      () => {
        if (Date.now() - last.current < limit) return;
        last.current = Date.now();
        lockNow().then(onLocked, () => {
          /* busy (an import runs): tried again at the next tick */
        });
      },
      Math.min(15_000, Math.max(250, limit / 4)),
    );
    return () => {
      events.forEach((e) => window.removeEventListener(e, touch));
      clearInterval(timer);
    };
  }, [minutes, onLocked]);
  return null;
}

/** The lock screen: パスフレーズ, "remember on this computer", 解除. */
export function LockScreen({ onUnlocked }: { onUnlocked: (s: LockStatus) => void }) {
  const { t, lang } = useI18n();
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await unlock(passphrase, remember);
      setPassphrase('');
      onUnlocked(s);
    } catch (err) {
      setError(describeError(api.toApiError(err), lang));
      setBusy(false);
    }
  };
  return (
    <div className="lock-screen" data-testid="lock-screen">
      <form className="card lock-card" onSubmit={(e) => void submit(e)}>
        <h1>
          <span className="brand-mark" aria-hidden translate="no">
            福
          </span>{' '}
          {t('lock_title')}
        </h1>
        <p className="muted">{t('lock_intro')}</p>
        <label className="field">
          <span>{t('lock_passphrase')}</span>
          <input
            type="password"
            autoFocus
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            data-testid="lock-passphrase"
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="lock-remember" />{' '}
          {t('lock_remember')}
        </label>
        {error && (
          <p className="error" role="alert" data-testid="lock-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || passphrase === ''} data-testid="lock-submit">
          {busy ? t('lock_unlocking') : t('lock_unlock')}
        </button>
      </form>
    </div>
  );
}

/**
 * Asks the host whether the database is locked before the app loads; shows
 * the lock screen while it is, and locks again after the idle minutes.
 */
export function LockGate({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<LockStatus | null>(null);
  useEffect(() => {
    lockStatus().then(setStatus, () => setStatus(PLAIN));
  }, []);
  if (!status) return <div className="boot-loading">大福帳…</div>;
  if (status.locked) return <LockScreen onUnlocked={setStatus} />;
  return (
    <LockContext.Provider value={{ status, setStatus }}>
      {status.encrypted && <IdleLock minutes={status.idle_minutes ?? 15} onLocked={setStatus} />}
      {children}
    </LockContext.Provider>
  );
}

/** 設定 → 暗号化とロック. */
export function EncryptionSection() {
  const { t, lang } = useI18n();
  const { status, setStatus } = useLock();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [remember, setRemember] = useState(false);
  const [minutes, setMinutes] = useState(String(status.idle_minutes ?? 15));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => setMinutes(String(status.idle_minutes ?? 15)), [status.idle_minutes]);

  const run = async (what: () => Promise<LockStatus>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const s = await what();
      setCurrent('');
      setNext('');
      setAgain('');
      setMessage({ text: done, error: false });
      setStatus(s);
    } catch (e) {
      setMessage({ text: describeError(api.toApiError(e), lang), error: true });
    } finally {
      setBusy(false);
    }
  };
  const mismatch = next !== '' && again !== '' && next !== again;
  const newOk = next !== '' && next === again;

  return (
    <section className="card card-span" data-testid="encryption-section">
      <h2>{t('enc_title')}</h2>
      <p data-testid="encryption-state">{status.encrypted ? t('enc_on') : t('enc_off')}</p>
      <p className="muted small">{t('enc_explain')}</p>
      {status.encrypted && (
        <label className="field">
          <span>{t('enc_current')}</span>
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="enc-current" />
        </label>
      )}
      <label className="field">
        <span>{status.encrypted ? t('enc_new') : t('lock_passphrase')}</span>
        <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="enc-new" />
      </label>
      <label className="field">
        <span>{t('enc_again')}</span>
        <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} data-testid="enc-again" />
      </label>
      {mismatch && <p className="error">{t('enc_mismatch')}</p>}
      <label className="check">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="enc-remember" /> {t('lock_remember')}
      </label>
      <div className="row gap">
        {!status.encrypted && (
          <button type="button" className="btn btn-primary" disabled={busy || !newOk} onClick={() => void run(() => changeEncryption('encrypt', undefined, next, remember), t('enc_done_on'))} data-testid="enc-encrypt">
            {t('enc_encrypt')}
          </button>
        )}
        {status.encrypted && (
          <>
            <button type="button" className="btn btn-primary" disabled={busy || !newOk || current === ''} onClick={() => void run(() => changeEncryption('rekey', current, next, remember), t('enc_done_rekey'))} data-testid="enc-rekey">
              {t('enc_rekey')}
            </button>
            <button type="button" className="btn" disabled={busy || current === ''} onClick={() => void run(() => changeEncryption('decrypt', current, undefined, false), t('enc_done_off'))} data-testid="enc-decrypt">
              {t('enc_decrypt')}
            </button>
          </>
        )}
      </div>
      {busy && <p className="muted" aria-busy="true">{t('enc_working')}</p>}
      {message && (
        <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'} data-testid="enc-message">
          {message.text}
        </p>
      )}
      {status.encrypted && (
        <div className="row gap">
          <label className="field">
            <span>{t('enc_idle')}</span>
            <input type="number" min={1} max={480} value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="enc-idle" />
          </label>
          <button type="button" className="btn" disabled={busy} onClick={() => void run(() => setIdleMinutes(Number(minutes)), t('saved'))} data-testid="enc-idle-save">
            {t('save')}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void run(lockNow, t('enc_locked'))} data-testid="enc-lock-now">
            {t('enc_lock_now')}
          </button>
        </div>
      )}
    </section>
  );
}
