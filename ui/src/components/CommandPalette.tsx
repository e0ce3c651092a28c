// Ctrl+K: search as you type over companies and contacts; arrows move,
// Enter opens, Esc closes.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import * as api from '../api';
import { useMeta } from '../app/data';
import { recordHref } from '../app/router';
import { useI18n } from '../i18n';

export function CommandPalette({ onClose, initial = '' }: { onClose: () => void; initial?: string }) {
  const { t, kindLabel } = useI18n();
  const companyMeta = useMeta('company');
  const contactMeta = useMeta('contact');
  const [q, setQ] = useState(initial);
  const [hits, setHits] = useState<api.SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

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

  useEffect(() => {
    const my = ++seq.current;
    if (!q.trim()) {
      setHits([]);
      return;
    }
    setBusy(true);
    const timer = setTimeout(async () => {
      try {
        const r = await api.searchAll(q);
        if (my === seq.current) {
          setHits(r);
          setActive(0);
        }
      } catch {
        if (my === seq.current) setHits([]);
      } finally {
        if (my === seq.current) setBusy(false);
      }
    }, 120);
    return () => clearTimeout(timer);
  }, [q]);

  const open = (h: api.SearchHit) => {
    const link = recordHref(h.kind, h.id);
    if (link) window.location.hash = link;
    onClose();
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (hits[active]) open(hits[active]);
    }
  };
  return (
    <div className="backdrop backdrop-top" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label={t('search_placeholder')} data-testid="palette">
        <div className="palette-input">
          <span aria-hidden>🔍</span>
          <input
            ref={inputRef}
            value={q}
            placeholder={t('search_placeholder')}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
            data-testid="palette-input"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls="palette-results"
          />
          <kbd>Esc</kbd>
        </div>
        <ul className="palette-results" id="palette-results" role="listbox">
          {!q.trim() && <li className="palette-hint">{t('search_type')}</li>}
          {q.trim() && !busy && hits.length === 0 && <li className="palette-hint">{t('search_none')}</li>}
          {hits.map((h, i) => (
            <li
              key={`${h.kind}-${h.id}`}
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
            >
              <span className={`badge badge-kind-${h.kind}`}>{kindLabel(h.kind === 'company' ? companyMeta : contactMeta)}</span>
              <span className="hit-title">{h.title}</span>
              <small className="hit-sub">{h.subtitle}</small>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
