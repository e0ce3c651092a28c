// "One place, no duplicates" (seed 003/004): while a new company or person is
// typed, shows the records that already look like it, with their owner and
// when they were last touched.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { recordHref } from '../app/router';
import { formatTimestamp } from '../dates';
import { useI18n } from '../i18n';
import { RefLink } from './RecordView';

export function DuplicateHint({ kind, text }: { kind: 'company' | 'contact'; text: string }) {
  const { lang, wareki } = useI18n();
  const [hits, setHits] = useState<api.Stored[]>([]);
  const q = text.trim();
  useEffect(() => {
    if (q.length < 2) {
      setHits([]);
      return;
    }
    let alive = true;
    const timer = setTimeout(() => {
      api.list(kind, { q, limit: 5, no_total: true }).then(
        (p) => alive && setHits(p.items),
        () => alive && setHits([]),
      );
    }, 250);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [kind, q]);
  if (!hits.length) return null;
  return (
    <div className="dup-hint" role="status" data-testid="duplicate-hint">
      <strong>⚠ {lang === 'ja' ? 'よく似た登録がすでにあります' : 'Similar records already exist'}</strong>
      <ul className="plain">
        {hits.map((h) => {
          const owner = (h.data as { owner_id?: string | null }).owner_id;
          return (
            <li key={h.id}>
              <a href={recordHref(h.kind, h.id) ?? '#'} target="_self">
                {h.display_name}
              </a>
              {h.kind === 'contact' && h.data.company_id && (
                <span className="muted">
                  {' '}
                  (<RefLink kind="company" id={h.data.company_id} />)
                </span>
              )}
              <span className="muted small">
                {owner && (
                  <>
                    {' · '}
                    {lang === 'ja' ? '担当' : 'owner'} <RefLink kind="user" id={owner} />
                  </>
                )}
                {' · '}
                {lang === 'ja' ? '最終更新' : 'updated'} {formatTimestamp(h.updated_at, wareki)}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
