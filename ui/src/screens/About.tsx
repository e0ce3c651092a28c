// バージョン情報 (#/about, from 設定): the app's version, the database file,
// where the log goes, and 「問い合わせ用情報をコピー」 — version, OS, database
// size and record counts, never a record's content (nor the database's path,
// which often holds the user's own name).

import { useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import { useAppData } from '../app/data';
import type { AppInfo } from '../bindings/AppInfo';
import type { Kind } from '../bindings/Kind';
import { describeError } from '../errors';
import { formatNumber, formatSize } from '../format';
import { translate, useI18n, type Lang } from '../i18n';

export async function appInfo(): Promise<AppInfo> {
  const r = await api.call({ cmd: 'app_info' });
  if (r.type !== 'app_info') throw { code: 'internal', message: `expected app_info, got ${r.type}`, details: [] };
  return r.data;
}

/** A size in bytes as the user reads it (Intl's byte units: 12.3 MB, 512 bytes). */
export function formatBytes(bytes: number, lang: Lang): string {
  return formatSize(bytes, lang);
}

/** Where the app runs, from the web view: the platform and the user agent. */
export function osDescription(nav: { userAgent: string; platform?: string }): string {
  return [nav.platform, nav.userAgent].filter(Boolean).join(' / ');
}

/**
 * The text 「問い合わせ用情報をコピー」 puts on the clipboard, in the UI's
 * language. Only what `app_info` counts and the environment: no names.
 */
export function supportText(info: AppInfo, os: string, lang: Lang, kindName: (k: Kind) => string): string {
  const t = (k: Parameters<typeof translate>[1]) => translate(lang, k);
  const sep = ': ';
  const counts = info.counts
    .filter((c) => c.count > 0)
    .map((c) => `${kindName(c.kind)} ${formatNumber(c.count, lang)}`)
    .join(', ');
  const size = info.database_bytes == null ? t('about_in_memory') : `${formatBytes(info.database_bytes, lang)} (${translate(lang, 'about_bytes', { n: info.database_bytes })})`;
  return [
    `${t('app_name')} ${t('about_support_text')}`,
    `${t('about_version')}${sep}${info.version}`,
    `${t('about_schema')}${sep}${info.schema_version}`,
    `${t('about_os')}${sep}${os}`,
    `${t('about_db_size')}${sep}${size}`,
    `${t('about_counts')}${sep}${counts || '0'}`,
    t('about_log_stderr'),
  ].join('\n');
}

export function AboutScreen() {
  const { t, lang, kindLabel } = useI18n();
  const { schema } = useAppData();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  useEffect(() => {
    let alive = true;
    appInfo().then(
      (i) => alive && setInfo(i),
      (e) => alive && setError(describeError(api.toApiError(e), lang)),
    );
    return () => {
      alive = false;
    };
  }, [lang]);
  const kindName = (k: Kind) => kindLabel(schema.get(k), k);
  const os = osDescription(navigator);
  const text = useMemo(() => (info ? supportText(info, os, lang, kindName) : ''), [info, os, lang, schema]); // eslint-disable-line react-hooks/exhaustive-deps
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="page" data-testid="screen-about">
      <div className="page-head">
        <div>
          <h1>{t('about_title')}</h1>
          <p className="muted">{t('about_lead')}</p>
        </div>
        <div className="page-actions">
          <a className="btn" href="#/settings">
            ← {t('nav_settings')}
          </a>
        </div>
      </div>
      {error && <div className="banner banner-error">{error}</div>}
      {info && (
        <div className="settings-grid">
          <section className="card">
            <dl className="about-list">
              <dt>{t('about_version')}</dt>
              <dd data-testid="about-version">{info.version}</dd>
              <dt>{t('about_schema')}</dt>
              <dd>{info.schema_version}</dd>
              <dt>{t('about_os')}</dt>
              {/* The browser's own description of itself: a value, not words of the UI. */}
              <dd className="small" translate="no">
                {os}
              </dd>
              <dt>{t('about_db_path')}</dt>
              <dd>
                <code data-testid="about-db-path">{info.database_path ?? t('about_in_memory')}</code>
              </dd>
              <dt>{t('about_db_size')}</dt>
              <dd data-testid="about-db-size">{info.database_bytes == null ? '—' : formatBytes(info.database_bytes, lang)}</dd>
              <dt>{t('about_log')}</dt>
              <dd data-testid="about-log">{t('about_log_stderr')}</dd>
            </dl>
          </section>
          <section className="card">
            <h2>{t('about_counts')}</h2>
            <table className="table" data-testid="about-counts">
              <tbody>
                {info.counts
                  .filter((c) => c.count > 0)
                  .map((c) => (
                    <tr key={c.kind} data-kind={c.kind}>
                      <td>{kindName(c.kind)}</td>
                      <td className="num">{formatNumber(c.count, lang)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
          <section className="card card-span">
            <header className="card-head">
              <h2>{t('about_support_text')}</h2>
              <button className="btn btn-primary btn-sm" onClick={() => void copy()} data-testid="about-copy">
                📋 {t('about_copy')}
              </button>
            </header>
            {copied && (
              <p className={`small ${copied === 'ok' ? 'muted' : 'sub-danger'}`} role="status" data-testid="about-copied">
                {t(copied === 'ok' ? 'about_copied' : 'about_copy_failed')}
              </p>
            )}
            <textarea className="support-text" readOnly value={text} rows={8} data-testid="support-text" aria-label={t('about_support_text')} onFocus={(e) => e.currentTarget.select()} />
          </section>
        </div>
      )}
    </div>
  );
}
