// The office feed (issue 21 item 5): who changed what today or this week,
// as it reached this computer (also what arrived by sync), filterable by user.

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useAppData } from '../app/data';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import { officeFeed, type ChangeEntry, type FeedPeriod } from '../changes';
import { ChangeItem } from '../components/ChangesPanel';

export function OfficeFeedScreen() {
  const { t, lang } = useI18n();
  const { users, revision } = useAppData();
  const [period, setPeriod] = useState<FeedPeriod>('today');
  const [user, setUser] = useState('');
  const [entries, setEntries] = useState<ChangeEntry[] | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  useEffect(() => {
    let alive = true;
    officeFeed(period, user || null).then(
      (l) => {
        if (!alive) return;
        setEntries(l);
        setError(null);
      },
      (e) => alive && setError(api.toApiError(e)),
    );
    return () => {
      alive = false;
    };
  }, [period, user, revision]);
  return (
    <div className="page" data-testid="screen-feed">
      <div className="page-head">
        <div>
          <h1>{t('nav_feed')}</h1>
          <p className="muted">{t('feed_lead')}</p>
        </div>
      </div>
      <div className="filters" role="search">
        <div className="segmented" role="group">
          {(['today', 'week'] as const).map((p) => (
            <button key={p} type="button" className={`btn btn-sm ${period === p ? 'on' : ''}`} aria-pressed={period === p} onClick={() => setPeriod(p)} data-testid={`feed-${p}`}>
              {t(p === 'today' ? 'feed_today' : 'feed_week')}
            </button>
          ))}
        </div>
        <select value={user} onChange={(e) => setUser(e.target.value)} aria-label={t('feed_user')} data-testid="feed-user">
          <option value="">{t('feed_everyone')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.display_name}
            </option>
          ))}
        </select>
      </div>
      {error && <div className="banner banner-error">{describeError(error, lang)}</div>}
      {entries == null ? (
        <p className="muted">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="feed-empty">{t('feed_empty')}</p>
      ) : (
        <ul className="plain card changes-list" data-testid="feed-list">
          {entries.map((e) => (
            <ChangeItem key={`${e.seq}-${e.company_id}`} e={e} showCompany />
          ))}
        </ul>
      )}
    </div>
  );
}
