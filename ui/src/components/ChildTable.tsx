// Records that belong to another (contacts of a company, its deals, its
// yearly figures …): one table driven by the schema, add/edit in a dialog.

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { Filter } from '../bindings/Filter';
import type { Kind } from '../bindings/Kind';
import type { Stored } from '../bindings/Stored';
import { useAppData, useMeta, useToast } from '../app/data';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import type { Choice } from './fields';
import { RecordDialog } from './RecordDialog';
import { FieldValue } from './RecordView';
import { ask } from '../confirm';

export function useRecords<K extends Kind>(kind: K, filters: Filter[], extra: Partial<api.ListQuery> = {}) {
  const { revision } = useAppData();
  const { lang } = useI18n();
  const [rows, setRows] = useState<api.StoredOf<K>[] | null>(null);
  const [error, setError] = useState<api.ApiError | null>(null);
  const key = JSON.stringify([kind, filters, extra]);
  const reload = useCallback(() => {
    api.listAll(kind, { filters, ...extra }).then(
      (r) => {
        setRows(r);
        setError(null);
      },
      (e) => setError(api.toApiError(e)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  useEffect(reload, [reload, revision]);
  // Worded by its code in the current language, never the core's English message.
  return { rows, error: error ? describeError(error, lang) : null, reload };
}

export function ChildTable<K extends Kind>({
  kind,
  rows,
  columns,
  preset,
  onOpen,
  addLabel,
  extraCell,
  choices,
  refFilters,
  testid,
  emptyText,
  rowClass,
  initial,
}: {
  kind: K;
  rows: api.StoredOf<K>[] | null;
  columns: string[];
  /** Values every new row gets (e.g. `{ company_id }`), not shown in the form. */
  preset?: Record<string, unknown>;
  /** Clicking a row: default opens the edit dialog. */
  onOpen?: (s: api.StoredOf<K>) => void;
  addLabel?: string;
  extraCell?: (s: api.StoredOf<K>) => ReactNode;
  choices?: Record<string, Choice[]>;
  refFilters?: Record<string, api.ListQuery['filters']>;
  testid?: string;
  emptyText?: string;
  rowClass?: (s: api.StoredOf<K>) => string;
  initial?: Record<string, unknown>;
}) {
  const meta = useMeta(kind);
  const { t, label, lang } = useI18n();
  const toast = useToast();
  const { bump } = useAppData();
  const [editing, setEditing] = useState<Stored | 'new' | null>(null);
  const defs = columns.map((c) => meta?.fields.find((f) => f.name === c)).filter((d): d is NonNullable<typeof d> => !!d);
  const del = async (s: Stored) => {
    if (!(await ask(`${s.display_name}: ${t('confirm_delete')}`))) return;
    try {
      await api.remove(kind, s.id);
      toast(t('deleted_to_trash'));
      bump();
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };
  const tid = testid ?? `table-${kind}`;
  return (
    <div className="child-table" data-testid={tid}>
      {addLabel && (
        <div className="table-actions">
          <button className="btn btn-primary btn-sm" onClick={() => setEditing('new')} data-testid={`add-${kind}`}>
            + {addLabel}
          </button>
        </div>
      )}
      {rows == null ? (
        <p className="muted">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p className="empty">{emptyText ?? t('none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              {defs.map((d) => (
                <th key={d.name} className={d.type === 'money' || d.type === 'decimal' ? 'num' : ''}>
                  {label(d)}
                </th>
              ))}
              {extraCell && <th />}
              <th className="actions-col" />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr
                key={s.id}
                className={`clickable ${rowClass?.(s) ?? ''}`}
                data-testid={`${tid}-row`}
                data-id={s.id}
                tabIndex={0}
                onClick={() => (onOpen ? onOpen(s) : setEditing(s))}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') (onOpen ? onOpen(s) : setEditing(s));
                }}
              >
                {defs.map((d) => (
                  <td key={d.name} className={d.type === 'money' || d.type === 'decimal' ? 'num' : ''} data-field={d.name}>
                    <FieldValue def={d} value={(s.data as Record<string, unknown>)[d.name]} />
                  </td>
                ))}
                {extraCell && <td onClick={(e) => e.stopPropagation()}>{extraCell(s)}</td>}
                <td className="actions-col" onClick={(e) => e.stopPropagation()}>
                  <button className="btn-icon" title={t('edit')} aria-label={t('edit')} onClick={() => setEditing(s)} data-testid="row-edit">
                    ✎
                  </button>
                  <button className="btn-icon danger" title={t('delete')} aria-label={t('delete')} onClick={() => void del(s)} data-testid="row-delete">
                    🗑
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <RecordDialog
          kind={kind}
          stored={editing === 'new' ? null : editing}
          preset={preset}
          initial={initial}
          choices={choices}
          refFilters={refFilters}
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}
