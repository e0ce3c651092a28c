// 重複: the whole-database duplicate finder (`find_duplicates`), companies or
// contacts. Each group lists its records with the rules that link them; the
// user picks two and merges them (MergeDialog). Below, the merge history
// (`merges`) with 元に戻す (`undo_merge`), which restores both records.

import { useCallback, useEffect, useState } from 'react';
import * as api from '../api';
import { forgetName, useAppData, useToast } from '../app/data';
import { recordHref } from '../app/router';
import { RULE_LABEL } from '../components/DuplicateHint';
import { MergeDialog } from '../components/MergeDialog';
import { formatDateTime, formatTimestamp } from '../dates';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useI18n } from '../i18n';
import { Tabs } from './CompanyPage';

type DupKind = 'company' | 'contact';
const PAGE = 50;

/** The selection after clicking `id`: at most two, within one group (a new group starts over). */
export function toggleSelection(sel: { group: string; ids: string[] }, group: string, id: string): { group: string; ids: string[] } {
  if (sel.group !== group) return { group, ids: [id] };
  if (sel.ids.includes(id)) return { group, ids: sel.ids.filter((x) => x !== id) };
  return { group, ids: [...sel.ids, id].slice(-2) };
}

export function DuplicatesScreen({ tab }: { tab: string }) {
  const { t, lang, wareki, label } = useI18n();
  const toast = useToast();
  const { schema, revision, bump } = useAppData();
  const kind: DupKind = tab === 'contact' ? 'contact' : 'company';
  const [groups, setGroups] = useState<api.DuplicateGroup[] | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [history, setHistory] = useState<api.Merge[] | null>(null);
  const [sel, setSel] = useState<{ group: string; ids: string[] }>({ group: '', ids: [] });
  const [merging, setMerging] = useState<[string, string] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  const load = useCallback(() => {
    setFailed(null);
    api.findDuplicates(kind).then(setGroups, (e) => {
      setGroups([]);
      setFailed(describeError(api.toApiError(e), lang));
    });
    api.merges(100).then(setHistory, () => setHistory([]));
  }, [kind, lang]);
  useEffect(() => {
    setGroups(null);
    setSel({ group: '', ids: [] });
    setShown(PAGE);
  }, [kind]);
  useEffect(load, [load, revision]);

  const setTab = (k: string) => {
    window.location.hash = `#/duplicates?tab=${k}`;
  };
  const undo = async (m: api.Merge) => {
    try {
      await api.undoMerge(m.id);
      forgetName(m.kind, m.survivor_id);
      forgetName(m.kind, m.loser_id);
      toast(t('merge_undone'));
      bump();
    } catch (e) {
      const err = api.toApiError(e);
      // merge_changed names the fields edited since the merge.
      const fields = err.details.map((d) => schema.get(m.kind)?.fields.find((f) => f.name === d.field)).filter((f) => !!f);
      const which = fields.length ? `: ${fields.map((f) => label(f)).join('、')}` : '';
      toast(describeError(err, lang) + which, 'error');
    }
  };
  const mine = (history ?? []).filter((m) => m.kind === kind);
  return (
    <div className="page" data-testid="screen-duplicates">
      <div className="page-head">
        <div>
          <h1>{t('dups_title')}</h1>
          <p className="muted">{t('dups_lead')}</p>
        </div>
      </div>
      <Tabs
        tabs={[
          ['company', 'nav_companies'],
          ['contact', 'nav_contacts'],
        ]}
        current={kind}
        onChange={setTab}
      />
      {failed && (
        <div className="banner banner-error" role="alert">
          {failed}
        </div>
      )}
      <div className="dups-bar">
        <span className="muted" data-testid="dups-count">
          {groups == null ? t('loading') : t('dups_groups', { n: formatNumber(groups.length, lang) })}
        </span>
        <span className="muted small">{sel.ids.length < 2 ? t('dups_pick_two') : ''}</span>
        <button className="btn btn-primary" disabled={sel.ids.length !== 2} onClick={() => setMerging([sel.ids[0], sel.ids[1]])} data-testid="dups-merge">
          {t('dups_merge')}
        </button>
      </div>
      {groups != null && groups.length === 0 && !failed && (
        <p className="empty" data-testid="dups-empty">
          {t('dups_none')}
        </p>
      )}
      <div className="dup-groups">
        {(groups ?? []).slice(0, shown).map((g) => {
          const gi = g.records.map((r) => r.id).join();
          return (
            <section className="card dup-group" key={gi} data-testid="dup-group">
              <ul className="links plain">
                {g.links.map((l) => (
                  <li key={`${l.rule}-${l.value}`} className="small">
                    <span className="chip chip-sm chip-warn" data-rule={l.rule}>
                      {t(RULE_LABEL[l.rule])}
                    </span>{' '}
                    {/* The key the records share (a name, a phone number in E.164): a value, not words. */}
                    <span className="muted" translate="no">
                      {l.value}
                    </span>
                  </li>
                ))}
              </ul>
              <table className="table">
                <tbody>
                  {g.records.map((r) => {
                    const picked = sel.group === gi && sel.ids.includes(r.id);
                    return (
                      <tr key={r.id} className={picked ? 'selected' : ''} data-testid="dup-record" data-id={r.id}>
                        <td className="w-check">
                          <input
                            type="checkbox"
                            checked={picked}
                            onChange={() => setSel((s) => toggleSelection(s, gi, r.id))}
                            aria-label={r.display_name}
                            data-testid="dup-pick"
                          />
                        </td>
                        <td>
                          <a href={recordHref(r.kind, r.id) ?? '#'}>{r.display_name}</a>
                          {r.company_name && <span className="muted"> ({r.company_name})</span>}
                        </td>
                        <td>
                          {r.rules.map((rule) => (
                            <span key={rule} className="chip chip-sm" data-rule={rule}>
                              {t(RULE_LABEL[rule])}
                            </span>
                          ))}
                        </td>
                        <td className="small">
                          {r.owner_name ? `${t('dup_owner')}: ${r.owner_name}` : t('dup_no_owner')}
                        </td>
                        <td className="small nowrap">{r.last_contacted ? `${t('dup_last_contacted')}: ${formatDateTime(r.last_contacted, wareki, lang)}` : t('dup_never_contacted')}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          );
        })}
      </div>
      {groups != null && groups.length > shown && (
        <button className="btn" onClick={() => setShown((n) => n + PAGE)} data-testid="dups-more">
          {t('dups_more')} ({groups.length - shown})
        </button>
      )}
      <section className="card merge-history" data-testid="merge-history">
        <h3>{t('merge_history')}</h3>
        {mine.length === 0 ? (
          <p className="muted small">{t('merge_history_none')}</p>
        ) : (
          <table className="table">
            <tbody>
              {mine.map((m) => (
                <tr key={m.id} data-testid="merge-item" data-id={m.id} className={m.undone_at != null ? 'muted' : ''}>
                  <td>
                    <a href={recordHref(m.kind, m.survivor_id) ?? '#'}>{m.survivor_name}</a> ← {m.loser_name}
                  </td>
                  <td className="small">{t('merge_moved', { n: formatNumber(m.moved.length, lang) })}</td>
                  <td className="small nowrap">{formatTimestamp(m.merged_at, wareki, lang)}</td>
                  <td className="right">
                    {m.undone_at != null ? (
                      <span className="badge" data-testid="merge-undone">
                        {t('merge_undone_at')}
                      </span>
                    ) : (
                      <button className="btn btn-sm" onClick={() => void undo(m)} data-testid="merge-undo">
                        ↩ {t('merge_undo')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {merging && (
        <MergeDialog
          kind={kind}
          ids={merging}
          onClose={() => setMerging(null)}
          onMerged={(m) => {
            forgetName(m.kind, m.survivor_id);
            forgetName(m.kind, m.loser_id);
            setMerging(null);
            setSel({ group: '', ids: [] });
            bump();
          }}
        />
      )}
    </div>
  );
}
