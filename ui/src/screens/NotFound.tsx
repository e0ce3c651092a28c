// What an unknown address or a record that does not exist shows: a sentence
// in the user's language and the ways back (ホーム, and the trash for a record).

import { useI18n } from '../i18n';

export function NotFound({ record = false }: { record?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="page notfound" data-testid="not-found" data-record={record ? 'true' : undefined}>
      <div className="notfound-mark" aria-hidden>
        ？
      </div>
      <h1>{t('notfound_title')}</h1>
      <p className="muted">{t(record ? 'notfound_record' : 'notfound_lead')}</p>
      <div className="notfound-actions">
        <a className="btn btn-primary" href="#/" data-testid="not-found-home">
          🏠 {t('notfound_home')}
        </a>
        {record && (
          <a className="btn" href="#/trash" data-testid="not-found-trash">
            {t('notfound_trash')}
          </a>
        )}
      </div>
    </div>
  );
}
