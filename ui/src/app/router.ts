// Hash routes: #/companies, #/company/ID, #/activity/new?company=ID …

import { useEffect, useState } from 'react';

export interface Route {
  /** First path segment: '' (home), 'companies', 'company', … */
  name: string;
  /** Second path segment, usually a record id. */
  id?: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?');
  const segs = path.split('/').filter(Boolean);
  return { name: segs[0] ?? '', id: segs[1] ? decodeURIComponent(segs[1]) : undefined, params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function href(name: string, id?: string, params?: Record<string, string | undefined>): string {
  let h = `#/${name}`;
  if (id) h += `/${encodeURIComponent(id)}`;
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const s = q.toString();
    if (s) h += `?${s}`;
  }
  return h;
}

export function navigate(name: string, id?: string, params?: Record<string, string | undefined>): void {
  window.location.hash = href(name, id, params);
}

/** The page of a record kind, where one exists. */
export function recordHref(kind: string, id: string): string | null {
  switch (kind) {
    case 'company':
    case 'contact':
    case 'activity':
      return href(kind, id);
    case 'deal':
      return href('deals', undefined, { open: id });
    case 'task':
      return href('tasks', undefined, { open: id });
    case 'product':
      return href('products', undefined, { open: id });
    case 'purchase':
      return href('purchase', id);
    case 'case_study':
      return href('products', undefined, { tab: 'cases' });
    default:
      return null;
  }
}

// ---- Ctrl+N: "new" in whatever list is on screen ------------------------------

let newHandler: (() => void) | null = null;

/** Registers what Ctrl+N does while the calling screen is shown. */
export function useNewShortcut(handler: (() => void) | null): void {
  useEffect(() => {
    newHandler = handler;
    return () => {
      if (newHandler === handler) newHandler = null;
    };
  }, [handler]);
}

export function runNewShortcut(): boolean {
  if (newHandler) {
    newHandler();
    return true;
  }
  return false;
}
