// Data every screen needs: the schema (field tables), the office's users and
// the database settings; plus toasts and a small cache of record names.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { FieldDef } from '../bindings/FieldDef';
import type { Kind } from '../bindings/Kind';
import type { KindMeta } from '../bindings/KindMeta';
import type { Settings } from '../bindings/Settings';
import type { StoredOf } from '../api';

export interface AppData {
  schema: Map<Kind, KindMeta>;
  users: StoredOf<'user'>[];
  settings: Settings | null;
  reloadUsers: () => Promise<void>;
  reloadSettings: () => Promise<void>;
  /** Bumped after any write, so screens can refetch. */
  revision: number;
  bump: () => void;
}

export const AppDataContext = createContext<AppData>({
  schema: new Map(),
  users: [],
  settings: null,
  reloadUsers: async () => {},
  reloadSettings: async () => {},
  revision: 0,
  bump: () => {},
});

export function useAppData(): AppData {
  return useContext(AppDataContext);
}

export function useMeta(kind: Kind): KindMeta | undefined {
  return useAppData().schema.get(kind);
}

/** The field defs of a kind, optionally a chosen subset in the given order. */
export function useFields(kind: Kind, names?: string[]): FieldDef[] {
  const meta = useMeta(kind);
  return useMemo(() => {
    if (!meta) return [];
    if (!names) return meta.fields;
    return names.map((n) => meta.fields.find((f) => f.name === n)).filter((f): f is FieldDef => !!f);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meta, names?.join(',')]);
}

export function AppDataProvider({ children, schema }: { children: ReactNode; schema: KindMeta[] }) {
  const [users, setUsers] = useState<StoredOf<'user'>[]>([]);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [revision, setRevision] = useState(0);
  const schemaMap = useMemo(() => new Map(schema.map((m) => [m.kind, m])), [schema]);
  const reloadUsers = useCallback(async () => {
    try {
      setUsers(await api.listAll('user'));
    } catch {
      /* shown elsewhere */
    }
  }, []);
  const reloadSettings = useCallback(async () => {
    try {
      setSettings(await api.settings());
    } catch {
      /* ignore */
    }
  }, []);
  useEffect(() => {
    void reloadUsers();
    void reloadSettings();
  }, [reloadUsers, reloadSettings]);
  const bump = useCallback(() => setRevision((r) => r + 1), []);
  const value = useMemo(
    () => ({ schema: schemaMap, users, settings, reloadUsers, reloadSettings, revision, bump }),
    [schemaMap, users, settings, reloadUsers, reloadSettings, revision, bump],
  );
  return <AppDataContext.Provider value={value}>{children}</AppDataContext.Provider>;
}

// ---- names of referenced records -------------------------------------------

const nameCache = new Map<string, Promise<string>>();

/** The display name of a record, fetched once and cached. */
export function recordName(kind: Kind, id: string): Promise<string> {
  const key = `${kind}:${id}`;
  let p = nameCache.get(key);
  if (!p) {
    p = api.get(kind, id).then(
      (s) => s.display_name,
      () => {
        nameCache.delete(key);
        return '?';
      },
    );
    nameCache.set(key, p);
  }
  return p;
}

/** Seeds the cache with names already at hand (list results). */
export function rememberNames(items: { kind: Kind; id: string; display_name: string }[]): void {
  for (const s of items) nameCache.set(`${s.kind}:${s.id}`, Promise.resolve(s.display_name));
}

export function forgetName(kind: Kind, id: string): void {
  nameCache.delete(`${kind}:${id}`);
}

export function useRecordName(kind: Kind, id: string | null | undefined): string {
  const { users } = useAppData();
  const [name, setName] = useState('');
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    if (!id) {
      setName('');
      return;
    }
    if (kind === 'user') {
      const u = users.find((x) => x.id === id);
      if (u) {
        setName(u.display_name);
        return;
      }
    }
    void recordName(kind, id).then((n) => alive.current && setName(n));
    return () => {
      alive.current = false;
    };
  }, [kind, id, users]);
  return name;
}

// ---- toasts ------------------------------------------------------------------

export interface Toast {
  id: number;
  text: string;
  tone: 'ok' | 'error';
}

type ToastFn = (text: string, tone?: 'ok' | 'error') => void;

export const ToastContext = createContext<ToastFn>(() => {});

export function useToast(): ToastFn {
  return useContext(ToastContext);
}

export function ToastHost({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const seq = useRef(0);
  const push = useCallback<ToastFn>((text, tone = 'ok') => {
    const id = ++seq.current;
    setToasts((t) => [...t, { id, text, tone }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), tone === 'error' ? 6000 : 2500);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} data-testid={`toast-${t.tone}`}>
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
