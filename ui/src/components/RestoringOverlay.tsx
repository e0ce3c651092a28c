// 復元中…: shown over the whole app while a restore replaces the database
// (issue 17). The host answers every other command with `restoring` until
// it ends, so nothing behind the overlay can be used meanwhile. When a
// restore this window did not start ends (another window's, or one still
// running when this window was reloaded), `onRestored` opens the app again
// on the restored data; this window's own restore reloads by itself
// (BackupSection).

import { useEffect, useState } from 'react';
import * as api from '../api';
import { useI18n } from '../i18n';

export function RestoringOverlay({ onRestored = () => window.location.reload() }: { onRestored?: () => void }) {
  const { t } = useI18n();
  const [state, setState] = useState<api.RestoreState>(api.restoreStateNow());
  useEffect(
    () =>
      api.onRestoreState((now, before) => {
        setState(now);
        if (now === 'none' && before === 'elsewhere') onRestored();
      }),
    [onRestored],
  );
  if (state === 'none') return null;
  return (
    <div className="backdrop restoring" role="alertdialog" aria-modal="true" aria-busy="true" aria-labelledby="restoring-title" data-testid="restoring">
      <div className="dialog restoring-box">
        <div className="dialog-body">
          <h2 id="restoring-title">{t('restoring_title')}</h2>
          <p>{t('restoring_lead')}</p>
        </div>
      </div>
    </div>
  );
}
