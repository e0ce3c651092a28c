// A virtualized list of records of one kind that stays smooth at 100k rows:
// `total` sizes the scroll area and pages are fetched with offset/limit as
// rows come into view.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import * as api from '../api';
import type { Kind } from '../bindings/Kind';
import type { ListQuery } from '../bindings/ListQuery';
import { rememberNames, useAppData } from '../app/data';
import { describeError } from '../errors';
import { useI18n } from '../i18n';

export const PAGE_SIZE = 100;

export interface Column<K extends Kind> {
  key: string;
  header: ReactNode;
  /** CSS grid track, e.g. `2fr` or `120px`. */
  width: string;
  render: (s: api.StoredOf<K>) => ReactNode;
  className?: string;
}

export interface ListHandle {
  scrollToIndex: (i: number) => void;
}

export interface VirtualListProps<K extends Kind> {
  kind: K;
  query: Partial<ListQuery>;
  columns: Column<K>[];
  onOpen: (s: api.StoredOf<K>) => void;
  rowHeight?: number;
  handle?: RefObject<ListHandle | null>;
  onTotal?: (n: number | null) => void;
  testid?: string;
}

type PageState<K extends Kind> = api.StoredOf<K>[] | 'loading' | 'error';

/** The performance mark of the first list rows painted after start. */
export const LIST_PAINTED = 'daifuku:first-list-painted';

export function VirtualList<K extends Kind>({ kind, query, columns, onOpen, rowHeight = 44, handle, onTotal, testid = 'virtual-list' }: VirtualListProps<K>) {
  const { t, lang } = useI18n();
  const { revision } = useAppData();
  const parentRef = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const [, setTick] = useState(0);
  const [active, setActive] = useState(-1);
  const pages = useRef(new Map<number, PageState<K>>());
  const gen = useRef(0);
  const queryKey = JSON.stringify(query);

  const loadPage = useCallback(
    async (p: number, withTotal: boolean) => {
      const my = gen.current;
      pages.current.set(p, 'loading');
      try {
        const page = await api.list(kind, { ...query, offset: p * PAGE_SIZE, limit: PAGE_SIZE, no_total: !withTotal });
        if (my !== gen.current) return;
        rememberNames(page.items);
        pages.current.set(p, page.items);
        if (withTotal) {
          setTotal(page.total);
          onTotal?.(page.total);
        }
        setError(null);
      } catch (e) {
        if (my !== gen.current) return;
        pages.current.set(p, 'error');
        setError(api.toApiError(e));
      }
      setTick((x) => x + 1);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [kind, queryKey],
  );

  // A new query (or any write elsewhere): start over. A layout effect, so
  // the first page is asked for before the browser paints the empty frame
  // (the first paint of the app takes a few hundred ms in WebKitGTK) rather
  // than after it.
  useLayoutEffect(() => {
    gen.current++;
    pages.current = new Map();
    setTotal(null);
    setActive(-1);
    void loadPage(0, true);
  }, [loadPage, revision]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => parentRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  // Pages in view are fetched once scrolling settles for a moment, so that
  // dragging the scrollbar across 100k rows does not queue every page passed.
  useEffect(() => {
    if (total == null) return;
    const timer = setTimeout(() => {
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
        if (!pages.current.has(p)) void loadPage(p, false);
      }
    }, 60);
    return () => clearTimeout(timer);
  }, [first, last, total, loadPage]);

  // A performance mark when rows are first on screen (once per page load),
  // read by tests/desktop/measure.mjs for "start → first list painted".
  const firstPageLoaded = Array.isArray(pages.current.get(0));
  useEffect(() => {
    if (!firstPageLoaded || performance.getEntriesByName(LIST_PAINTED).length > 0) return;
    requestAnimationFrame(() => {
      if (performance.getEntriesByName(LIST_PAINTED).length === 0) performance.mark(LIST_PAINTED, { detail: testid });
    });
  }, [firstPageLoaded, testid]);

  const rowAt = (i: number): api.StoredOf<K> | null => {
    const p = pages.current.get(Math.floor(i / PAGE_SIZE));
    return Array.isArray(p) ? p[i % PAGE_SIZE] ?? null : null;
  };

  const scrollToIndex = useCallback(
    (i: number) => {
      virtualizer.scrollToIndex(i, { align: 'start' });
      setActive(i);
    },
    [virtualizer],
  );
  useEffect(() => {
    if (handle) handle.current = { scrollToIndex };
  }, [handle, scrollToIndex]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!total) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(total - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      setActive(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      const step = Math.max(1, Math.floor((parentRef.current?.clientHeight ?? 400) / rowHeight) - 1);
      const next = Math.max(0, Math.min(total - 1, (active < 0 ? 0 : active) + (e.key === 'PageDown' ? step : -step)));
      setActive(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const next = e.key === 'Home' ? 0 : total - 1;
      setActive(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'Enter' && active >= 0) {
      const r = rowAt(active);
      if (r) onOpen(r);
    }
  };

  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);

  return (
    <div className="vlist" data-testid={testid}>
      <div className="vlist-head" style={{ gridTemplateColumns: template }} role="row">
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className={c.className}>
            {c.header}
          </div>
        ))}
      </div>
      <div
        ref={parentRef}
        className="vlist-body"
        tabIndex={0}
        role="grid"
        aria-rowcount={total ?? 0}
        onKeyDown={onKey}
        data-testid={`${testid}-body`}
        data-total={total ?? ''}
      >
        {error && <div className="banner banner-error">{describeError(error, lang)}</div>}
        {total === 0 && <p className="empty">{t('none')}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {items.map((vi) => {
            const r = rowAt(vi.index);
            return (
              <div
                key={vi.key}
                role="row"
                aria-rowindex={vi.index + 1}
                className={`vlist-row ${vi.index === active ? 'active' : ''} ${vi.index % 2 ? 'odd' : ''}`}
                style={{ transform: `translateY(${vi.start}px)`, height: rowHeight, gridTemplateColumns: template }}
                onClick={() => {
                  setActive(vi.index);
                  if (r) onOpen(r);
                }}
                data-testid={r ? `row-${kind}` : 'row-loading'}
                data-id={r?.id}
                data-index={vi.index}
              >
                {r
                  ? columns.map((c) => (
                      <div key={c.key} className={`cell ${c.className ?? ''}`}>
                        {c.render(r)}
                      </div>
                    ))
                  : columns.map((c) => (
                      <div key={c.key} className="cell">
                        <span className="skeleton" />
                      </div>
                    ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** The あいうえお index: ア カ サ タ ナ ハ マ ヤ ラ ワ. */
export const KANA_INDEX = ['ア', 'カ', 'サ', 'タ', 'ナ', 'ハ', 'マ', 'ヤ', 'ラ', 'ワ'];

/** The filter that counts the rows sorted before `letter`, i.e. the row offset where it starts. */
export function kanaOffsetQuery(base: Partial<ListQuery>, letter: string): Partial<ListQuery> {
  return {
    ...base,
    filters: [...(base.filters ?? []), { field: 'sort_key', op: 'lt', value: letter }],
    limit: 1,
    offset: 0,
    no_total: false,
  };
}

export function KanaBar({ kind, query, handle }: { kind: Kind; query: Partial<ListQuery>; handle: RefObject<ListHandle | null> }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState<string | null>(null);
  const jump = async (letter: string) => {
    setCurrent(letter);
    const page = await api.list(kind, kanaOffsetQuery(query, letter));
    handle.current?.scrollToIndex(page.total ?? 0);
  };
  return (
    <nav className="kana-bar" aria-label={t('kana_index')} data-testid="kana-bar">
      {KANA_INDEX.map((k) => (
        // The index of the readings (フリガナ), which are katakana in every language.
        <button key={k} type="button" className={current === k ? 'on' : ''} onClick={() => void jump(k)} data-testid={`kana-${k}`} translate="no">
          {k}
        </button>
      ))}
    </nav>
  );
}
