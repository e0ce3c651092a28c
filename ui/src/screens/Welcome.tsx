// The first-run welcome screen (issue 23): the language, the user's name (a
// user record, set as the current user) and company, then how to start:
// empty, with demo data (removable from Home in one step) or from a file.
// It sits above Home (App routes both) rather than in place of the app, so
// nothing else waits on it: a link, a shortcut or a test driving a fresh
// database reaches every screen as before.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData } from '../app/data';
import { describeError } from '../errors';
import { useI18n } from '../i18n';

export type WelcomeChoice = 'empty' | 'demo' | 'import';

/** The welcome, shown while the database is new and the welcome not closed. */
export function FirstRunWelcome() {
  const [show, setShow] = useState(false);
  useEffect(() => {
    let alive = true;
    api.firstRunState().then(
      (s) => alive && setShow(s.new && !s.welcome_done),
      () => alive && setShow(false),
    );
    return () => {
      alive = false;
    };
  }, []);
  if (!show) return null;
  return (
    <WelcomeScreen
      onDone={(choice) => {
        setShow(false);
        if (choice === 'import') window.location.hash = '#/import';
      }}
    />
  );
}

export function WelcomeScreen({ onDone }: { onDone: (choice: WelcomeChoice) => void }) {
  const { t, lang, setPrefs } = useI18n();
  const { reloadUsers, reloadSettings, bump } = useAppData();
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [busy, setBusy] = useState<WelcomeChoice | null>(null);
  const [error, setError] = useState<string | null>(null);

  const start = async (choice: WelcomeChoice) => {
    setBusy(choice);
    setError(null);
    try {
      if (name.trim()) {
        const me = await api.create('user', { name: name.trim(), active: true });
        await api.setCurrentUser(me.id);
      }
      // The demo's records are written under their own mark, not this user.
      if (choice === 'demo') await api.demoLoad(200);
      await api.welcomeDone(company.trim() || null);
      await Promise.all([reloadUsers(), reloadSettings()]);
      bump();
      onDone(choice);
    } catch (e) {
      setError(describeError(api.toApiError(e), lang));
      setBusy(null);
    }
  };

  const option = (choice: WelcomeChoice, icon: string, title: string, hint: string) => (
    <button type="button" className="card" style={{ textAlign: 'left', cursor: 'pointer', display: 'block', width: '100%' }} disabled={busy != null} onClick={() => void start(choice)} data-testid={`welcome-${choice}`}>
      <strong>
        {icon} {title}
      </strong>
      <div className="muted small">{hint}</div>
    </button>
  );

  return (
    <section className="card" data-testid="screen-welcome" style={{ maxWidth: 720, margin: '24px auto' }}>
      <h1>
        <span className="brand-mark" aria-hidden translate="no">
          福
        </span>{' '}
        {t('welcome_title')}
      </h1>
      <div className="segmented" role="radiogroup" aria-label={t('language')}>
        <button className={lang === 'ja' ? 'on' : ''} onClick={() => setPrefs({ lang: 'ja' })} data-testid="welcome-lang-ja" role="radio" aria-checked={lang === 'ja'}>
          日本語
        </button>
        <button className={lang === 'en' ? 'on' : ''} onClick={() => setPrefs({ lang: 'en' })} data-testid="welcome-lang-en" role="radio" aria-checked={lang === 'en'}>
          English
        </button>
      </div>
      <p className="muted">{t('welcome_lead')}</p>
      <label className="field">
        <span>{t('welcome_name')}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={1000} data-testid="welcome-name" />
        <small className="muted">{t('welcome_name_hint')}</small>
      </label>
      <label className="field">
        <span>{t('welcome_company')}</span>
        <input value={company} onChange={(e) => setCompany(e.target.value)} maxLength={1000} data-testid="welcome-company" />
      </label>
      <h2>{t('welcome_how')}</h2>
      <div style={{ display: 'grid', gap: 8 }}>
        {option('empty', '📄', t('welcome_empty'), t('welcome_empty_hint'))}
        {option('demo', '🧪', t('welcome_demo'), t('welcome_demo_hint'))}
        {option('import', '📥', t('welcome_import'), t('welcome_import_hint'))}
      </div>
      {busy === 'demo' && (
        <p className="muted" aria-busy="true" data-testid="welcome-loading">
          {t('welcome_loading')}
        </p>
      )}
      {error && (
        <div className="banner banner-error" role="alert" data-testid="welcome-error">
          {error}
        </div>
      )}
    </section>
  );
}
