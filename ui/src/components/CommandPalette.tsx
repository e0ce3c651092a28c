// Ctrl+K: one search over companies, contacts, deals, products and activities
// (the core's `search` command: ㈱/株式会社, カナ/かな/ｶﾅ and phone numbers in any
// notation all find the record). Arrows move, Enter opens, Esc closes.

import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import * as api from '../api';
import type { Kind } from '../bindings/Kind';
import type { MatchKind } from '../bindings/MatchKind';
import type { Snippet } from '../bindings/Snippet';
import { useAppData } from '../app/data';
import { recordHref } from '../app/router';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';

/** The active row after a navigation key (`null`: the key is not one). */
export function moveActive(active: number, key: string, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowDown':
      return (active + 1) % count;
    case 'ArrowUp':
      return (active - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return Math.min(active + 5, count - 1);
    case 'PageUp':
      return Math.max(active - 5, 0);
    default:
      return null;
  }
}

export const MATCH_LABEL: Record<MatchKind, DictKey> = {
  exact_name: 'match_exact_name',
  name_prefix: 'match_name_prefix',
  reading: 'match_reading',
  name: 'match_name',
  code: 'match_code',
  phone: 'match_phone',
  email: 'match_email',
  content: 'match_content',
};

/** The matched text highlighted in its context. */
export function SnippetText({ snippet }: { snippet: Snippet }) {
  return (
    <span className="hit-snippet" data-testid="hit-snippet" data-field={snippet.field}>
      {snippet.before}
      <mark>{snippet.matched}</mark>
      {snippet.after}
    </span>
  );
}

/**
 * The class on <html> while the palette is open: the screen under it drops
 * its blurred shadows (styles.css), which the desktop webview otherwise
 * repaints at every keystroke.
 */
export const PALETTE_OPEN_CLASS = 'palette-open';

export function CommandPalette({ onClose, initial = '' }: { onClose: () => void; initial?: string }) {
  const { t, kindLabel, lang } = useI18n();
  const { schema } = useAppData();
  const [q, setQ] = useState(initial);
  const [hits, setHits] = useState<api.SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<api.ApiError | null>(null);
  /** The query the hits shown answer. */
  const [answered, setAnswered] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  // Before the first paint of the palette, so the screen under it is never
  // painted with its shadows behind the backdrop.
  useLayoutEffect(() => {
    const root = document.documentElement;
    root.classList.add(PALETTE_OPEN_CLASS);
    return () => root.classList.remove(PALETTE_OPEN_CLASS);
  }, []);

  useEffect(() => {
    inputRef.current?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        closeRef.current();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);

  // Each keystroke searches at once (no debounce: a search answers in 2–6 ms
  // at 100k companies, and the results must be painted within 50 ms of the key).
  // While one search is on its way, later keystrokes only note the newest
  // query, which is sent as soon as the answer arrives: at most one search
  // in flight, never a queue of stale ones. An answer is shown only when it
  // answers what the box says now.
  const latest = useRef(q);
  const inFlight = useRef(false);
  const pending = useRef<string | null>(null);
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  // A layout effect: the search is asked for before the keystroke's frame is
  // painted, not a frame later.
  useLayoutEffect(() => {
    latest.current = q;
    if (!q.trim()) {
      pending.current = null;
      setHits([]);
      setBusy(false);
      setFailed(null);
      setAnswered('');
      return;
    }
    setBusy(true);
    pending.current = q;
    if (inFlight.current) return;
    inFlight.current = true;
    void (async () => {
      while (pending.current !== null && alive.current) {
        const query = pending.current;
        pending.current = null;
        let hitsFor: api.SearchHit[] = [];
        let error: api.ApiError | null = null;
        try {
          hitsFor = await api.searchAll(query);
        } catch (e) {
          error = api.toApiError(e);
        }
        if (!alive.current || query !== latest.current) continue;
        setHits(hitsFor);
        setActive(0);
        setFailed(error);
        setAnswered(query);
        setBusy(false);
      }
      inFlight.current = false;
    })();
  }, [q]);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected=true]')?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  const open = (h: api.SearchHit) => {
    const link = recordHref(h.kind, h.id);
    if (link) window.location.hash = link;
    onClose();
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (hits[active]) open(hits[active]);
      return;
    }
    // Home/End move the caret in the box; only the arrows and pages move the selection.
    if (e.key === 'Home' || e.key === 'End') return;
    const next = moveActive(active, e.key, hits.length);
    if (next != null) {
      e.preventDefault();
      setActive(next);
    }
  };
  const label = (k: Kind) => kindLabel(schema.get(k), k);
  const activeId = hits[active] ? `palette-hit-${active}` : undefined;
  return (
    <div className="backdrop backdrop-top" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label={t('search_placeholder')} data-testid="palette">
        <div className="palette-input">
          <span aria-hidden>🔍</span>
          <input
            ref={inputRef}
            value={q}
            placeholder={t('search_everything')}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
            data-testid="palette-input"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls="palette-results"
            aria-activedescendant={activeId}
          />
          <kbd title={t('keys_close')}>Esc</kbd>
        </div>
        <ul className="palette-results" id="palette-results" role="listbox" ref={listRef} data-testid="palette-results" data-q={answered}>
          {!q.trim() && <li className="palette-hint">{t('search_type')}</li>}
          {q.trim() && !busy && hits.length === 0 && (
            <li className="palette-hint" data-testid="palette-none">
              {failed ? describeError(failed, lang) : t('search_none')}
            </li>
          )}
          {hits.map((h, i) => (
            <li
              key={`${h.kind}-${h.id}`}
              id={`palette-hit-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                open(h);
              }}
              data-testid="palette-hit"
              data-kind={h.kind}
              data-id={h.id}
              data-matched={h.matched}
            >
              <span className={`badge badge-kind-${h.kind}`} data-testid="hit-kind">
                {label(h.kind)}
              </span>
              <span className="hit-main">
                <span className="hit-title">
                  {h.display_name}
                  {h.code && <span className="hit-code"> [{h.code}]</span>}
                  {h.company_name && h.kind !== 'company' && <span className="hit-company"> · {h.company_name}</span>}
                </span>
                <small className="hit-sub">
                  <span className="hit-why">{t(MATCH_LABEL[h.matched])}</span>
                  {h.snippet && <SnippetText snippet={h.snippet} />}
                </small>
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
