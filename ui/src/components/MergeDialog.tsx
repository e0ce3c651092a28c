// Merging two companies or two contacts: both records side by side, the user
// chooses which one stays and, for every field whose values differ, whose
// value the survivor keeps. The core's `merge` then moves every reference
// (contacts, activities, deals, purchases, tasks …) to the survivor and puts
// the other record in the trash; the merge history can undo it.

import { useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import type { FieldDef } from '../bindings/FieldDef';
import { useMeta, useToast } from '../app/data';
import { formatTimestamp } from '../dates';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import { Dialog } from './Dialog';
import { FieldValue, isBlank } from './RecordView';

/** Which of the two records (0 or 1). */
export type Side = 0 | 1;

export interface MergeRow {
  def: FieldDef;
  values: [unknown, unknown];
}

function same(a: unknown, b: unknown): boolean {
  if (isBlank(a) && isBlank(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields whose values differ between the two records, in schema order, and how many are the same. */
export function mergeRows(defs: FieldDef[], a: Record<string, unknown>, b: Record<string, unknown>): { differ: MergeRow[]; same: number } {
  const differ: MergeRow[] = [];
  let n = 0;
  for (const def of defs) {
    const values: [unknown, unknown] = [a[def.name] ?? null, b[def.name] ?? null];
    if (same(values[0], values[1])) n += 1;
    else differ.push({ def, values });
  }
  return { differ, same: n };
}

/** The side whose value a field keeps unless the user picks: the survivor's, or the other's when the survivor has none. */
export function defaultPick(row: MergeRow, survivor: Side): Side {
  const other: Side = survivor === 0 ? 1 : 0;
  return isBlank(row.values[survivor]) && !isBlank(row.values[other]) ? other : survivor;
}

/** The `choices` of the merge command: for every differing field, whether the survivor keeps its own value or the loser's. */
export function mergeChoices(rows: MergeRow[], survivor: Side, picks: Record<string, Side>): Record<string, api.MergeChoice> {
  const out: Record<string, api.MergeChoice> = {};
  for (const row of rows) {
    const pick = picks[row.def.name] ?? defaultPick(row, survivor);
    out[row.def.name] = pick === survivor ? 'survivor' : 'loser';
  }
  return out;
}

/** The record to keep by default: the one registered first. */
export function defaultSurvivor(records: [api.Stored, api.Stored]): Side {
  return records[1].created_at < records[0].created_at ? 1 : 0;
}

export function MergeDialog({
  kind,
  ids,
  onClose,
  onMerged,
}: {
  kind: 'company' | 'contact';
  ids: [string, string];
  onClose: () => void;
  onMerged: (m: api.Merge) => void;
}) {
  const { t, lang, label, wareki } = useI18n();
  const meta = useMeta(kind);
  const toast = useToast();
  const [records, setRecords] = useState<[api.Stored, api.Stored] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [survivor, setSurvivor] = useState<Side>(0);
  const [picks, setPicks] = useState<Record<string, Side>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let alive = true;
    Promise.all([api.get(kind, ids[0]), api.get(kind, ids[1])]).then(
      ([a, b]) => {
        if (!alive) return;
        const pair: [api.Stored, api.Stored] = [a, b];
        setRecords(pair);
        setSurvivor(defaultSurvivor(pair));
      },
      (e) => alive && setFailed(describeError(api.toApiError(e), lang)),
    );
    return () => {
      alive = false;
    };
  }, [kind, ids, lang]);
  const rows = useMemo(
    () => (records && meta ? mergeRows(meta.fields, records[0].data as Record<string, unknown>, records[1].data as Record<string, unknown>) : null),
    [records, meta],
  );
  const submit = async () => {
    if (!records || !rows) return;
    setBusy(true);
    setFailed(null);
    try {
      const loser: Side = survivor === 0 ? 1 : 0;
      const m = await api.merge(kind, records[survivor].id, records[loser].id, mergeChoices(rows.differ, survivor, picks));
      toast(`${t('merge_done')}: ${m.survivor_name}`);
      onMerged(m);
    } catch (e) {
      setFailed(describeError(api.toApiError(e), lang));
    } finally {
      setBusy(false);
    }
  };
  const sides: Side[] = [0, 1];
  return (
    <Dialog title={t('merge_title')} onClose={onClose} wide testid="merge-dialog">
      {failed && (
        <div className="banner banner-error" role="alert" data-testid="merge-error">
          {failed}
        </div>
      )}
      {!records || !rows ? (
        !failed && <p className="muted">{t('loading')}</p>
      ) : (
        <>
          <p className="muted small">{t('merge_lead')}</p>
          <table className="table merge-table" data-testid="merge-table">
            <thead>
              <tr>
                <th>{t('merge_field')}</th>
                {sides.map((s) => (
                  <th key={s} className={survivor === s ? 'merge-col-keep' : 'merge-col-lose'}>
                    <label className="merge-keep">
                      <input type="radio" name="merge-survivor" checked={survivor === s} onChange={() => setSurvivor(s)} data-testid={`merge-keep-${s}`} />
                      <strong>{records[s].display_name}</strong>
                    </label>
                    <div className="small muted">
                      {survivor === s ? t('merge_keep') : t('merge_removed')} · {formatTimestamp(records[s].created_at, wareki, lang)}
                    </div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.differ.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    {t('merge_no_diff')}
                  </td>
                </tr>
              )}
              {rows.differ.map((row) => {
                const pick = picks[row.def.name] ?? defaultPick(row, survivor);
                return (
                  <tr key={row.def.name} data-testid="merge-row" data-field={row.def.name}>
                    <th scope="row">{label(row.def)}</th>
                    {sides.map((s) => (
                      <td key={s} className={pick === s ? 'merge-picked' : ''}>
                        <label className="merge-pick">
                          <input
                            type="radio"
                            name={`merge-pick-${row.def.name}`}
                            checked={pick === s}
                            onChange={() => setPicks((p) => ({ ...p, [row.def.name]: s }))}
                            data-testid={`merge-pick-${row.def.name}-${s}`}
                          />
                          <span className="merge-value">
                            <FieldValue def={row.def} value={row.values[s]} />
                          </span>
                        </label>
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small" data-testid="merge-same">
            {t('merge_same', { n: rows.same })}
          </p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setSurvivor((s) => (s === 0 ? 1 : 0))} data-testid="merge-swap">
              ⇄ {t('merge_swap')}
            </button>
            <button type="button" className="btn" onClick={onClose}>
              {t('cancel')}
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy} data-testid="merge-confirm">
              {busy ? t('saving') : t('merge_confirm')}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
