import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as api from '../api';
import { CommandPalette } from '../components/CommandPalette';
import { isHelpKey, ShortcutsDialog } from '../components/Shortcuts';
import { loadPrefs, PrefsContext, savePrefs, translate, useI18n, type DictKey, type Prefs } from '../i18n';
import { CompaniesScreen, ContactsScreen } from '../screens/Lists';
import { HomeScreen } from '../screens/Home';
import { NotFound } from '../screens/NotFound';
import { FirstRunWelcome } from '../screens/Welcome';
import { SyncIndicator, SyncProvider } from './sync';
import { useAppData } from './data';
import { runNewShortcut, useRoute } from './router';
import { CardsScreen } from '../screens/Cards';
import { PurchaseRedirect, useRenewalNotifications } from '../components/FollowThrough';

// Screens other than the first ones load on first visit: a smaller start
// bundle, and less JavaScript held by the web process (issue 3's memory goal).
const ActivityEditor = lazy(() => import('../screens/ActivityEditor').then((m) => ({ default: m.ActivityEditor })));
const CompanyPage = lazy(() => import('../screens/CompanyPage').then((m) => ({ default: m.CompanyPage })));
const ContactPage = lazy(() => import('../screens/ContactPage').then((m) => ({ default: m.ContactPage })));
const DealsScreen = lazy(() => import('../screens/Deals').then((m) => ({ default: m.DealsScreen })));
const ProductsScreen = lazy(() => import('../screens/Products').then((m) => ({ default: m.ProductsScreen })));
const SettingsScreen = lazy(() => import('../screens/Settings').then((m) => ({ default: m.SettingsScreen })));
const ImportScreen = lazy(() => import('../screens/Import').then((m) => ({ default: m.ImportScreen })));
const TasksScreen = lazy(() => import('../screens/Tasks').then((m) => ({ default: m.TasksScreen })));
const PrioritiesScreen = lazy(() => import('../screens/Priorities').then((m) => ({ default: m.PrioritiesScreen })));
const TrashScreen = lazy(() => import('../screens/Trash').then((m) => ({ default: m.TrashScreen })));
const DuplicatesScreen = lazy(() => import('../screens/Duplicates').then((m) => ({ default: m.DuplicatesScreen })));
const ActivitiesScreen = lazy(() => import('../screens/Activities').then((m) => ({ default: m.ActivitiesScreen })));
const SyncScreen = lazy(() => import('../screens/Sync').then((m) => ({ default: m.SyncScreen })));
const HandoverScreen = lazy(() => import('../screens/Handover').then((m) => ({ default: m.HandoverScreen })));
const OfficeFeedScreen = lazy(() => import('../screens/OfficeFeed').then((m) => ({ default: m.OfficeFeedScreen })));
const AboutScreen = lazy(() => import('../screens/About').then((m) => ({ default: m.AboutScreen })));
const AuditScreen = lazy(() => import('../screens/Audit').then((m) => ({ default: m.AuditScreen })));
const IncidentsScreen = lazy(() => import('../screens/Incidents').then((m) => ({ default: m.IncidentsScreen })));

interface NavItem {
  route: string;
  key: DictKey;
  icon: string;
  match: string[];
}

const NAV: NavItem[] = [
  { route: '', key: 'nav_home', icon: '🏠', match: [''] },
  { route: 'companies', key: 'nav_companies', icon: '🏢', match: ['companies', 'company'] },
  { route: 'contacts', key: 'nav_contacts', icon: '👤', match: ['contacts', 'contact'] },
  { route: 'activities', key: 'nav_activities', icon: '🗒️', match: ['activities', 'activity'] },
  { route: 'feed', key: 'nav_feed', icon: '📰', match: ['feed'] },
  { route: 'deals', key: 'nav_deals', icon: '📈', match: ['deals'] },
  { route: 'products', key: 'nav_products', icon: '📦', match: ['products'] },
  { route: 'priorities', key: 'nav_priorities', icon: '🏅', match: ['priorities'] },
  { route: 'tasks', key: 'nav_tasks', icon: '✅', match: ['tasks'] },
  { route: 'duplicates', key: 'nav_duplicates', icon: '🔗', match: ['duplicates'] },
  { route: 'cards', key: 'nav_cards', icon: '📇', match: ['cards'] },
  { route: 'handover', key: 'nav_handover', icon: '🤝', match: ['handover'] },
  { route: 'trash', key: 'nav_trash', icon: '🗑️', match: ['trash'] },
  { route: 'sync', key: 'nav_sync', icon: '🔄', match: ['sync'] },
  { route: 'settings', key: 'nav_settings', icon: '⚙️', match: ['settings', 'about', 'audit', 'incidents'] },
];

export function PrefsProvider({ children }: { children: ReactNode }) {
  const [prefs, setState] = useState<Prefs>(loadPrefs);
  const setPrefs = useCallback((p: Partial<Prefs>) => {
    setState((old) => {
      const next = { ...old, ...p };
      savePrefs(next);
      return next;
    });
  }, []);
  useEffect(() => {
    document.documentElement.lang = prefs.lang;
    document.title = translate(prefs.lang, 'app_name');
  }, [prefs.lang]);
  const value = useMemo(() => ({ ...prefs, setPrefs }), [prefs, setPrefs]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

/**
 * A record's page, or the not-found page when the record does not exist
 * (an old link, a record deleted for good, one not synced here yet).
 */
export function RecordGate({ kind, id, children }: { kind: api.Kind; id: string; children: ReactNode }) {
  const [state, setState] = useState<'checking' | 'ok' | 'missing'>('checking');
  useEffect(() => {
    let alive = true;
    setState('checking');
    api.get(kind, id).then(
      () => alive && setState('ok'),
      // Other errors are the page's to show.
      (e) => alive && setState(api.toApiError(e).code === 'not_found' ? 'missing' : 'ok'),
    );
    return () => {
      alive = false;
    };
  }, [kind, id]);
  if (state === 'checking') return <div className="loading" aria-busy="true" />;
  if (state === 'missing') return <NotFound record />;
  return <>{children}</>;
}

function Screen() {
  const route = useRoute();
  switch (route.name) {
    case '':
    case 'home':
      // First run: the welcome above Home until the user picks how to start.
      return (
        <>
          <FirstRunWelcome />
          <HomeScreen />
        </>
      );
    case 'companies':
      return <CompaniesScreen />;
    case 'company':
      return route.id ? (
        <RecordGate key={route.id} kind="company" id={route.id}>
          <CompanyPage id={route.id} tab={route.params.get('tab') ?? 'overview'} />
        </RecordGate>
      ) : (
        <NotFound />
      );
    case 'contacts':
      return <ContactsScreen />;
    case 'contact':
      return route.id ? (
        <RecordGate key={route.id} kind="contact" id={route.id}>
          <ContactPage id={route.id} tab={route.params.get('tab') ?? 'overview'} />
        </RecordGate>
      ) : (
        <NotFound />
      );
    case 'activities':
      return <ActivitiesScreen />;
    case 'activity': {
      const editor = <ActivityEditor key={`${route.id}?${route.params.toString()}`} id={route.id === 'new' ? undefined : route.id} params={route.params} />;
      return route.id && route.id !== 'new' ? (
        <RecordGate key={route.id} kind="activity" id={route.id}>
          {editor}
        </RecordGate>
      ) : (
        editor
      );
    }
    case 'deals':
      return <DealsScreen />;
    case 'products':
      return <ProductsScreen tab={route.params.get('tab') ?? 'own'} />;
    case 'tasks':
      return <TasksScreen />;
    case 'priorities':
      return <PrioritiesScreen />;
    case 'duplicates':
      return <DuplicatesScreen tab={route.params.get('tab') ?? 'company'} />;
    case 'handover':
      return <HandoverScreen />;
    case 'cards':
      return <CardsScreen />;
    case 'feed':
      return <OfficeFeedScreen />;
    case 'trash':
      return <TrashScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'purchase':
      return route.id ? <PurchaseRedirect id={route.id} /> : <NotFound />;
    case 'import':
      return <ImportScreen initialKind={route.params.get('kind') ?? undefined} />;
    case 'sync':
      return <SyncScreen />;
    case 'about':
      return <AboutScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'incidents':
      return <IncidentsScreen />;
    default:
      return <NotFound />;
  }
}

export function App() {
  const { t } = useI18n();
  const route = useRoute();
  const { settings, users } = useAppData();
  const [palette, setPalette] = useState<string | null>(null);
  const [shortcuts, setShortcuts] = useState(false);
  useRenewalNotifications();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && (e.key === 'k' || e.key === 'K')) {
        e.preventDefault();
        setPalette((p) => (p == null ? '' : null));
      } else if (mod && (e.key === 'n' || e.key === 'N')) {
        if (document.querySelector('[role=dialog]')) return;
        if (runNewShortcut()) e.preventDefault();
      } else if (isHelpKey(e)) {
        // `?` in a text box is text; with another dialog open, that dialog has the keys.
        if (document.querySelector('[role=dialog]:not([data-testid=shortcuts])')) return;
        e.preventDefault();
        setShortcuts((s) => !s);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const me = users.find((u) => u.id === settings?.current_user_id);

  return (
    <SyncProvider>
    <div className="shell">
      <aside className="sidebar" aria-label={t('nav_main')}>
        <div className="brand">
          {/* The logo: one character, the same in every language. */}
          <span className="brand-mark" aria-hidden translate="no">
            福
          </span>
          <span className="brand-name">{t('app_name')}</span>
        </div>
        <nav>
          {NAV.map((n) => (
            <a
              key={n.route}
              href={`#/${n.route}`}
              className={`nav-item ${n.match.includes(route.name === 'home' ? '' : route.name) ? 'active' : ''}`}
              data-testid={`nav-${n.route || 'home'}`}
            >
              <span className="nav-icon" aria-hidden>
                {n.icon}
              </span>
              {t(n.key)}
            </a>
          ))}
        </nav>
        <div className="sidebar-foot">
          <SyncIndicator />
          <a href="#/settings" className="me" data-testid="current-user">
            <span className="avatar" aria-hidden>
              {(me?.display_name ?? '?').slice(0, 1)}
            </span>
            <span>{me?.display_name ?? t('current_user_none')}</span>
          </a>
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <button
            type="button"
            className="searchbox"
            onClick={() => setPalette('')}
            data-testid="search-open"
            title={`${t('search_placeholder')} (Ctrl+K)`}
            aria-label={t('search_placeholder')}
            aria-keyshortcuts="Control+K Meta+K"
          >
            <span className="searchbox-icon" aria-hidden>🔍</span>
            <span className="searchbox-text">{t('search_placeholder')}</span>
            <kbd>Ctrl</kbd>
            <kbd>K</kbd>
          </button>
          <button
            type="button"
            className="topbar-hint btn-link"
            onClick={() => setShortcuts(true)}
            title={t('keys_open')}
            aria-keyshortcuts="?"
            data-testid="shortcuts-open"
          >
            {t('shortcuts')}
          </button>
          <button type="button" className="btn-icon topbar-help" onClick={() => setShortcuts(true)} title={t('keys_open')} aria-label={t('keys_open')} data-testid="help-open">
            ?
          </button>
        </header>
        <main className="content" id="content">
          <Suspense fallback={<div className="loading" aria-busy="true" />}>
            <Screen />
          </Suspense>
        </main>
      </div>
      {palette != null && <CommandPalette initial={palette} onClose={() => setPalette(null)} />}
      {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
    </div>
    </SyncProvider>
  );
}
