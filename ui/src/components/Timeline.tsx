import { useEffect, useState } from 'react';
import * as api from '../api';
import type { TimelineEntry } from '../bindings/TimelineEntry';
import type { TimelineOwner } from '../bindings/TimelineOwner';
import { useAppData } from '../app/data';
import { href } from '../app/router';
import { formatDateTime } from '../dates';
import { describeError } from '../errors';
import { useI18n } from '../i18n';

const ICONS: Record<string, string> = {
  meeting: '🤝',
  inquiry: '❓',
  call: '📞',
  visit: '🚶',
  email: '✉️',
  info_report: '📝',
  purchase: '🧾',
  card_exchange: '📇',
  contact_position: '🪪',
};

/** The start of a markdown text as one plain line: headings, bullets and emphasis marks removed. */
export function plainSummary(md: string): string {
  return md
    .split(/\r?\n/)
    .map((l) =>
      l
        .replace(/^\s*#{1,6}\s*/, '')
        .replace(/^\s*([-*+]|\d+\.)\s+/, '')
        .replace(/\*\*|__|`/g, '')
        .trim(),
    )
    .filter(Boolean)
    .join(' / ');
}

export function Timeline({ owner, testid = 'timeline' }: { owner: TimelineOwner; testid?: string }) {
  const { t, lang, enumLabel, wareki, kindLabel } = useI18n();
  const { revision, schema } = useAppData();
  const [items, setItems] = useState<TimelineEntry[] | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  useEffect(() => {
    let alive = true;
    api.timeline(owner, 0, 300).then(
      (r) => alive && setItems(r),
      (e) => alive && setError(api.toApiError(e)),
    );
    return () => {
      alive = false;
    };
  }, [owner.kind, owner.id, revision]);
  if (error) return <div className="banner banner-error">{describeError(error, lang)}</div>;
  if (!items) return <p className="muted">{t('loading')}</p>;
  if (items.length === 0) return <p className="empty" data-testid={`${testid}-empty`}>{t('no_timeline')}</p>;
  return (
    <ol className="timeline" data-testid={testid}>
      {items.map((e) => {
        const key = e.kind === 'activity' ? e.subtype ?? 'meeting' : e.kind;
        const label = e.kind === 'activity' ? enumLabel(e.subtype) : kindLabel(schema.get(e.kind));
        const link = e.kind === 'activity' ? href('activity', e.id) : null;
        return (
          <li key={`${e.kind}-${e.id}`} className={`tl-item tl-${key}`} data-testid="timeline-entry" data-kind={e.kind} data-subtype={e.subtype ?? ''}>
            <span className="tl-icon" aria-hidden>
              {ICONS[key] ?? '•'}
            </span>
            <div className="tl-body">
              <div className="tl-head">
                <span className={`badge badge-${key}`}>{label}</span>
                {link ? (
                  <a href={link} className="tl-title">
                    {e.title}
                  </a>
                ) : (
                  <span className="tl-title">{e.title}</span>
                )}
                {e.kind === 'purchase' && e.subtype && <span className="badge">{enumLabel(e.subtype)}</span>}
                <time className="tl-at">{formatDateTime(e.at, wareki, lang)}</time>
              </div>
              {e.summary && <p className="tl-summary">{plainSummary(e.summary)}</p>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
