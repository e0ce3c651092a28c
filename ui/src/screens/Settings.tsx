import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData, useMeta, useToast } from '../app/data';
import { useRecords } from '../components/ChildTable';
import { Markdown } from '../components/Markdown';
import { BackupSection } from '../components/BackupSection';
import { EncryptionSection } from '../components/LockScreen';
import { RecordDialog } from '../components/RecordDialog';
import { createRecord, patchRecord, RecordForm } from '../components/RecordForm';
import { formatDate, today } from '../dates';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import { CalendarFeedSection, LeadTimesSection } from '../components/FollowThrough';

/** The user's own company, as given on the welcome screen (first_run_state), changed here. */
function OwnCompany() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [saved, setSaved] = useState<string | null>(null);
  const [name, setName] = useState('');
  useEffect(() => {
    let alive = true;
    api.firstRunState().then(
      (s) => {
        if (!alive) return;
        setSaved(s.company_name ?? '');
        setName(s.company_name ?? '');
      },
      () => alive && setSaved(''),
    );
    return () => {
      alive = false;
    };
  }, []);
  const save = async () => {
    if (saved == null || name.trim() === saved) return;
    try {
      // welcome_done keeps the company name given with it (the welcome is closed already).
      const s = await api.welcomeDone(name.trim() || null);
      setSaved(s.company_name ?? '');
      setName(s.company_name ?? '');
      toast(t('saved'));
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  return (
    <input
      value={name}
      onChange={(e) => setName(e.target.value)}
      onBlur={() => void save()}
      onKeyDown={(e) => e.key === 'Enter' && void save()}
      maxLength={1000}
      disabled={saved == null}
      aria-label={t('welcome_company')}
      data-testid="own-company"
    />
  );
}

export function SettingsScreen() {
  const { t, lang, wareki, setPrefs } = useI18n();
  const toast = useToast();
  const { users, settings, reloadUsers, reloadSettings, bump } = useAppData();
  const [addingUser, setAddingUser] = useState(false);
  const [editingUser, setEditingUser] = useState<api.StoredOf<'user'> | null>(null);

  const chooseUser = async (id: string) => {
    try {
      await api.setCurrentUser(id || null);
      await reloadSettings();
      toast(t('saved'));
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  const setActive = async (u: api.StoredOf<'user'>, active: boolean) => {
    try {
      await api.patch('user', u.id, active ? { active: true, left_on: null } : { active: false, left_on: today() }, u.version);
      await reloadUsers();
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };

  return (
    <div className="page" data-testid="screen-settings">
      <div className="page-head">
        <h1>{t('settings_title')}</h1>
      </div>
      <div className="settings-grid">
        <section className="card">
          <h2>{t('current_user')}</h2>
          <select value={settings?.current_user_id ?? ''} onChange={(e) => void chooseUser(e.target.value)} data-testid="current-user-select">
            <option value="">{t('current_user_none')}</option>
            {users
              .filter((u) => u.data.active || u.id === settings?.current_user_id)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.display_name}
                </option>
              ))}
          </select>
          <p className="muted small">
            {lang === 'ja' ? '記録の作成者・更新者として残ります。' : 'Your changes are recorded under this name.'}
          </p>
          <h2>{t('welcome_company')}</h2>
          <OwnCompany />
          <h2>{t('language')}</h2>
          <div className="segmented" role="radiogroup" aria-label={t('language')}>
            <button className={lang === 'ja' ? 'on' : ''} onClick={() => setPrefs({ lang: 'ja' })} data-testid="lang-ja" role="radio" aria-checked={lang === 'ja'}>
              日本語
            </button>
            <button className={lang === 'en' ? 'on' : ''} onClick={() => setPrefs({ lang: 'en' })} data-testid="lang-en" role="radio" aria-checked={lang === 'en'}>
              English
            </button>
          </div>
          <h2>{t('date_format')}</h2>
          <label className="switch">
            <input type="checkbox" checked={wareki} onChange={(e) => setPrefs({ wareki: e.target.checked })} data-testid="wareki-toggle" />
            {t('wareki')}
          </label>
          <p className="muted small">
            {formatDate(today(), false, lang)} → {formatDate(today(), true, lang)}
          </p>
          {settings && (
            <p className="muted small">
              {t('device')}: <code>{settings.device_id}</code> · {t('schema_version', { n: settings.schema_version })}
            </p>
          )}
        </section>
        <section className="card">
          <header className="card-head">
            <h2>{t('users')}</h2>
            <button className="btn btn-primary btn-sm" onClick={() => setAddingUser(true)} data-testid="add-user">
              + {t('add_user')}
            </button>
          </header>
          <table className="table" data-testid="users-table">
            <tbody>
              {users.map((u) => (
                <tr key={u.id} className={u.data.active ? '' : 'row-past'} data-testid="user-row">
                  <td>
                    <strong>{u.display_name}</strong>
                    <div className="muted small">{u.data.email}</div>
                  </td>
                  <td>
                    {u.data.active ? (
                      <span className="badge badge-customer">{t('active')}</span>
                    ) : (
                      <span className="badge badge-lost">
                        {t('left')} {formatDate(u.data.left_on, wareki, lang)}
                      </span>
                    )}
                    {u.id === settings?.current_user_id && <span className="badge">★</span>}
                  </td>
                  <td className="right nowrap">
                    <button className="btn-icon" onClick={() => setEditingUser(u)} aria-label={t('edit')}>
                      ✎
                    </button>
                    {u.data.active ? (
                      <button className="btn btn-sm" onClick={() => void setActive(u, false)} data-testid="user-left">
                        {t('mark_left')}
                      </button>
                    ) : (
                      <button className="btn btn-sm" onClick={() => void setActive(u, true)}>
                        {t('rejoin')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <TemplatesEditor />
        <section className="card card-span" data-testid="import-section">
          <header className="card-head">
            <h2>{t('imp_title')}</h2>
            <a className="btn btn-primary btn-sm" href="#/import" data-testid="settings-import">
              ⬆ {t('imp_short')}
            </a>
          </header>
          <p className="muted small">{t('imp_lead')}</p>
        </section>
        <LeadTimesSection />
        <CalendarFeedSection />
        <BackupSection />
        <EncryptionSection />
        <section className="card card-span" data-testid="audit-section">
          <header className="card-head">
            <h2>{t('audit_title')}</h2>
            <a className="btn btn-sm" href="#/audit" data-testid="settings-audit">
              🔏 {t('audit_open')}
            </a>
          </header>
          <p className="muted small">{t('audit_lead')}</p>
        </section>
        <section className="card card-span" data-testid="incidents-section">
          <header className="card-head">
            <h2>{t('inc_title')}</h2>
            <a className="btn btn-sm" href="#/incidents" data-testid="settings-incidents">
              🚨 {t('inc_open')}
            </a>
          </header>
          <p className="muted small">{t('inc_lead')}</p>
        </section>
        <section className="card card-span" data-testid="about-section">
          <header className="card-head">
            <h2>{t('about_title')}</h2>
            <a className="btn btn-sm" href="#/about" data-testid="settings-about">
              ℹ {t('about_open')}
            </a>
          </header>
          <p className="muted small">{t('about_lead')}</p>
        </section>
      </div>
      {(addingUser || editingUser) && (
        <RecordDialog
          kind="user"
          stored={editingUser}
          onClose={() => {
            setAddingUser(false);
            setEditingUser(null);
          }}
          onSaved={() => void reloadUsers()}
        />
      )}
    </div>
  );
}

function TemplatesEditor() {
  const { t, enumLabel } = useI18n();
  const toast = useToast();
  const { bump } = useAppData();
  const meta = useMeta('note_template');
  const templates = useRecords('note_template', []);
  const [current, setCurrent] = useState<api.StoredOf<'note_template'> | 'new' | null>(null);
  const defs = meta?.fields ?? [];
  const body = current && current !== 'new' ? current.data.body : null;
  return (
    <section className="card card-span" data-testid="templates">
      <header className="card-head">
        <h2>{t('note_templates')}</h2>
        <button className="btn btn-primary btn-sm" onClick={() => setCurrent('new')} data-testid="add-template">
          + {t('add_template')}
        </button>
      </header>
      <div className="templates">
        <ul className="template-list plain">
          {(templates.rows ?? []).map((x) => (
            <li key={x.id}>
              <button className={`list-button ${current !== 'new' && current?.id === x.id ? 'on' : ''}`} onClick={() => setCurrent(x)} data-testid="template-item">
                {x.display_name}
                {x.data.activity_kind && <span className="badge">{enumLabel(x.data.activity_kind)}</span>}
              </button>
            </li>
          ))}
          {templates.rows?.length === 0 && <li className="muted small">{t('none')}</li>}
        </ul>
        <div className="template-edit">
          {current ? (
            <RecordForm
              key={current === 'new' ? 'new' : `${current.id}-${current.version}`}
              defs={defs}
              initial={current === 'new' ? { body: t('template_new_body') } : (current.data as unknown as Record<string, unknown>)}
              omitBlank={current === 'new'}
              testid="template-form"
              onCancel={() => setCurrent(null)}
              save={async (data) => {
                const saved = current === 'new' ? await createRecord('note_template', data) : await patchRecord('note_template', current as never, data);
                setCurrent(saved as api.StoredOf<'note_template'>);
                toast(t('saved'));
                bump();
              }}
            />
          ) : (
            <p className="muted">{t('template_choose')}</p>
          )}
          {body && (
            <>
              <h3 className="sub">{t('preview')}</h3>
              <Markdown source={body} className="card-inset" />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
