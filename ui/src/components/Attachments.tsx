// 添付ファイル (issue 5): files attached to a company, contact or activity.
// Business-card images show as thumbnails; any file can be opened
// (downloaded; in the desktop app saved to the exports folder) and moved to
// the trash. Bytes still on their way from another computer show as pending.

import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import * as api from '../api';
import { useAppData, useToast } from '../app/data';
import {
  attachFile,
  attachmentData,
  deleteAttachment,
  isImage,
  listAttachments,
  MAX_ATTACHMENT_BYTES,
  type AttachmentItem,
} from '../attachments';
import { useFormat } from '../format';
import { describeError, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { base64ToBytes, fileToBase64, saveFile } from '../transfer';
import { ask } from '../confirm';

/** The list itself (pure): thumbnails for images, name, size, date, actions. */
export function AttachmentList({
  items,
  thumbs,
  onOpen,
  onDelete,
}: {
  items: AttachmentItem[] | null;
  /** sha256 → object URL of the image, once loaded. */
  thumbs: Record<string, string>;
  onOpen: (a: AttachmentItem) => void;
  onDelete: (a: AttachmentItem) => void;
}) {
  const { t } = useI18n();
  const f = useFormat();
  if (!items) return <p className="muted small">{t('loading')}</p>;
  if (items.length === 0) return <p className="muted small" data-testid="attachments-empty">{t('att_none')}</p>;
  return (
    <ul className="attachments" data-testid="attachment-list">
      {items.map((a) => (
        <li key={a.id} className="attachment" data-testid="attachment-item" data-name={a.name}>
          {isImage(a.mime) && a.available && thumbs[a.sha256] ? (
            <button type="button" className="attachment-thumb" onClick={() => onOpen(a)} title={t('att_open')}>
              <img src={thumbs[a.sha256]} alt={a.name} data-testid="attachment-thumb" />
            </button>
          ) : (
            <span className="attachment-icon" aria-hidden="true">
              {isImage(a.mime) ? '🖼' : '📄'}
            </span>
          )}
          <div className="attachment-meta">
            {a.available ? (
              <button type="button" className="link attachment-name" onClick={() => onOpen(a)} data-testid="attachment-open">
                {a.name}
              </button>
            ) : (
              <span className="attachment-name">{a.name}</span>
            )}
            <small className="muted">
              {f.size(a.size)} ・ {f.timestamp(a.created_at)}
            </small>
            {!a.available && (
              <span className="badge badge-warn" title={t('att_pending_hint')} data-testid="attachment-pending">
                {t('att_pending')}
              </span>
            )}
          </div>
          <button type="button" className="btn btn-ghost danger" onClick={() => onDelete(a)} aria-label={t('att_delete')} title={t('att_delete')} data-testid="attachment-delete">
            🗑
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The attachments section of a record page: list, add (file picker or drop), open, delete. */
export function Attachments({ ownerKind, ownerId, testid = 'attachments' }: { ownerKind: api.Kind; ownerId: string; testid?: string }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const { revision, bump } = useAppData();
  const [items, setItems] = useState<AttachmentItem[] | null>(null);
  const [thumbs, setThumbs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const urls = useRef<Record<string, string>>({});

  const reload = useCallback(() => {
    listAttachments(ownerKind, ownerId).then(setItems, (e) => setError(describeError(api.toApiError(e), lang)));
  }, [ownerKind, ownerId, lang]);
  useEffect(reload, [reload, revision]);

  // Thumbnails: each image's bytes once, as an object URL (CSP allows blob: images).
  useEffect(() => {
    let live = true;
    for (const a of items ?? []) {
      if (!isImage(a.mime) || !a.available || urls.current[a.sha256]) continue;
      urls.current[a.sha256] = '';
      attachmentData(a.sha256).then(
        (d) => {
          const url = URL.createObjectURL(new Blob([base64ToBytes(d.base64)], { type: d.mime ?? a.mime ?? 'image/png' }));
          urls.current[a.sha256] = url;
          if (live) setThumbs({ ...urls.current });
        },
        () => delete urls.current[a.sha256],
      );
    }
    return () => {
      live = false;
    };
  }, [items]);
  useEffect(() => () => Object.values(urls.current).forEach((u) => u && URL.revokeObjectURL(u)), []);

  const upload = async (files: File[]) => {
    if (!files.length) return;
    setError(null);
    setBusy(true);
    const problems: string[] = [];
    let added = 0;
    for (const f of files) {
      if (f.size > MAX_ATTACHMENT_BYTES) {
        problems.push(`${f.name}: ${errorMessage('too_large', lang)}`);
        continue;
      }
      try {
        await attachFile(ownerKind, ownerId, f.name, f.type || undefined, await fileToBase64(f));
        added++;
      } catch (e) {
        problems.push(`${f.name}: ${describeError(api.toApiError(e), lang)}`);
      }
    }
    setBusy(false);
    if (input.current) input.current.value = '';
    if (problems.length) setError(problems.join('\n'));
    if (added) {
      toast(t('att_added', { n: added }));
      bump();
      reload();
    }
  };

  const open = async (a: AttachmentItem) => {
    try {
      const d = await attachmentData(a.sha256);
      const path = await saveFile({ name: a.name, base64: d.base64 });
      if (path) toast(t('file_saved_to', { path }));
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };

  const remove = async (a: AttachmentItem) => {
    if (!(await ask(`${a.name}: ${t('confirm_delete')}`))) return;
    try {
      await deleteAttachment(a.id);
      toast(t('deleted_to_trash'));
      bump();
      reload();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    void upload(Array.from(e.dataTransfer?.files ?? []));
  };

  return (
    <section className="card attachments-section" data-testid={testid} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <div className="attachments-head">
        <h3>{t('att_title')}</h3>
        <label className={`btn btn-sm${busy ? ' disabled' : ''}`}>
          {busy ? t('att_uploading') : `+ ${t('att_add')}`}
          <input
            ref={input}
            type="file"
            multiple
            hidden
            disabled={busy}
            onChange={(e) => void upload(Array.from(e.target.files ?? []))}
            data-testid="attachment-input"
          />
        </label>
      </div>
      {error && (
        <p className="field-error" role="alert" data-testid="attachment-error">
          {error}
        </p>
      )}
      <AttachmentList items={items} thumbs={thumbs} onOpen={(a) => void open(a)} onDelete={(a) => void remove(a)} />
      <p className="muted small">{t('att_hint')}</p>
    </section>
  );
}
