import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { CommandPalette } from '../components/CommandPalette';
import { loadPrefs, PrefsContext, savePrefs, useI18n, type DictKey, type Prefs } from '../i18n';
import { CompaniesScreen, ContactsScreen } from '../screens/Lists';
import { HomeScreen } from '../screens/Home';
import { SyncIndicator, SyncProvider } from './sync';
import { useAppData } from './data';
import { runNewShortcut, useRoute } from './router';

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
const TrashScreen = lazy(() => import('../screens/Trash').then((m) => ({ default: m.TrashScreen })));
const DuplicatesScreen = lazy(() => import('../screens/Duplicates').then((m) => ({ default: m.DuplicatesScreen })));
const ActivitiesScreen = lazy(() => import('../screens/Activities').then((m) => ({ default: m.ActivitiesScreen })));
const SyncScreen = lazy(() => import('../screens/Sync').then((m) => ({ default: m.SyncScreen })));

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
  { route: 'deals', key: 'nav_deals', icon: '📈', match: ['deals'] },
  { route: 'products', key: 'nav_products', icon: '📦', match: ['products'] },
  { route: 'tasks', key: 'nav_tasks', icon: '✅', match: ['tasks'] },
  { route: 'duplicates', key: 'nav_duplicates', icon: '🔗', match: ['duplicates'] },
  { route: 'trash', key: 'nav_trash', icon: '🗑️', match: ['trash'] },
  { route: 'sync', key: 'nav_sync', icon: '🔄', match: ['sync'] },
  { route: 'settings', key: 'nav_settings', icon: '⚙️', match: ['settings'] },
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
  }, [prefs.lang]);
  const value = useMemo(() => ({ ...prefs, setPrefs }), [prefs, setPrefs]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

function Screen() {
  const route = useRoute();
  switch (route.name) {
    case '':
    case 'home':
      return <HomeScreen />;
    case 'companies':
      return <CompaniesScreen />;
    case 'company':
      return route.id ? <CompanyPage key={route.id} id={route.id} tab={route.params.get('tab') ?? 'overview'} /> : null;
    case 'contacts':
      return <ContactsScreen />;
    case 'contact':
      return route.id ? <ContactPage key={route.id} id={route.id} tab={route.params.get('tab') ?? 'overview'} /> : null;
    case 'activities':
      return <ActivitiesScreen />;
    case 'activity':
      return <ActivityEditor key={`${route.id}?${route.params.toString()}`} id={route.id === 'new' ? undefined : route.id} params={route.params} />;
    case 'deals':
      return <DealsScreen />;
    case 'products':
      return <ProductsScreen tab={route.params.get('tab') ?? 'own'} />;
    case 'tasks':
      return <TasksScreen />;
    case 'duplicates':
      return <DuplicatesScreen tab={route.params.get('tab') ?? 'company'} />;
    case 'trash':
      return <TrashScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'import':
      return <ImportScreen initialKind={route.params.get('kind') ?? undefined} />;
    case 'sync':
      return <SyncScreen />;
    default:
      return <p className="empty">404</p>;
  }
}

export function App() {
  const { t } = useI18n();
  const route = useRoute();
  const { settings, users } = useAppData();
  const [palette, setPalette] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && (e.key === 'k' || e.key === 'K')) {
        e.preventDefault();
        setPalette((p) => (p == null ? '' : null));
      } else if (mod && (e.key === 'n' || e.key === 'N')) {
        if (document.querySelector('[role=dialog]')) return;
        if (runNewShortcut()) e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const me = users.find((u) => u.id === settings?.current_user_id);

  return (
    <SyncProvider>
    <div className="shell">
      <aside className="sidebar" aria-label="main navigation">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
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
          <button type="button" className="searchbox" onClick={() => setPalette('')} data-testid="search-open">
            <span className="searchbox-icon" aria-hidden>🔍</span>
            <span className="searchbox-text">{t('search_placeholder')}</span>
            <kbd>Ctrl</kbd>
            <kbd>K</kbd>
          </button>
          <span className="topbar-hint">{t('shortcuts')}</span>
        </header>
        <main className="content" id="content">
          <Suspense fallback={<div className="loading" aria-busy="true" />}>
            <Screen />
          </Suspense>
        </main>
      </div>
      {palette != null && <CommandPalette initial={palette} onClose={() => setPalette(null)} />}
    </div>
    </SyncProvider>
  );
}
