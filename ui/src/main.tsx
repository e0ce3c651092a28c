import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import * as api from './api';
import type { KindMeta } from './bindings/KindMeta';
import { App, PrefsProvider } from './app/App';
import { AppDataProvider, ToastHost } from './app/data';
import { RestoringOverlay } from './components/RestoringOverlay';
import { LockGate } from './components/LockScreen';
import { describeError } from './errors';
import { loadPrefs } from './i18n';
import './styles.css';

api.captureToken();

function Boot() {
  const [schema, setSchema] = useState<KindMeta[] | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const load = () => {
    setError(null);
    api.schema().then(setSchema, (e) => setError(api.toApiError(e)));
  };
  useEffect(load, []);
  if (error) {
    const lang = loadPrefs().lang;
    return (
      <div className="boot-error" data-testid="boot-error">
        <h1>大福帳 Daifuku</h1>
        <p>{describeError(error, lang)}</p>
        <p className="muted small">{error.message}</p>
        <button className="btn btn-primary" onClick={load}>
          {lang === 'ja' ? '再試行' : 'Retry'}
        </button>
      </div>
    );
  }
  if (!schema) return <div className="boot-loading">大福帳…</div>;
  return (
    <AppDataProvider schema={schema}>
      <ToastHost>
        <App />
      </ToastHost>
    </AppDataProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PrefsProvider>
      <LockGate>
        <Boot />
      </LockGate>
      <RestoringOverlay />
    </PrefsProvider>
  </StrictMode>,
);
