// "One place, no duplicates" (seed 003/004): while a company or a person is
// typed (new or edited), shows the records that may be the same one — same
// 法人番号, same name in the same prefecture/postal code, same phone, same
// e-mail, same person at the same company — with the rule that fired, who
// owns it and when it was last contacted. Advice only: saving is never blocked.

import { useEffect, useMemo, useState } from 'react';
import * as api from '../api';
import type { DuplicateRule } from '../bindings/DuplicateRule';
import { recordHref } from '../app/router';
import { formatDateTime } from '../dates';
import { useI18n, type DictKey } from '../i18n';

export const RULE_LABEL: Record<DuplicateRule, DictKey> = {
  corporate_number: 'dup_rule_corporate_number',
  name_and_prefecture: 'dup_rule_name_and_prefecture',
  name_and_postal: 'dup_rule_name_and_postal',
  phone: 'dup_rule_phone',
  email: 'dup_rule_email',
  person_and_company: 'dup_rule_person_and_company',
};

/** The fields the duplicate rules look at, per kind. */
export const DUPLICATE_FIELDS: Record<'company' | 'contact', string[]> = {
  company: ['name', 'corporate_number', 'prefecture', 'postal_code', 'phone', 'fax', 'email'],
  contact: ['family_name', 'given_name', 'company_id', 'email', 'phone', 'mobile'],
};

/** The non-blank duplicate-relevant fields of a form, as the core's `check_duplicates` takes them. */
export function duplicateFields(kind: 'company' | 'contact', values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of DUPLICATE_FIELDS[kind]) {
    const v = values[f];
    if (typeof v === 'string' && v.trim()) out[f] = v.trim();
  }
  return out;
}

export function DuplicateHint({
  kind,
  values,
  excludeId,
  delay = 300,
}: {
  kind: 'company' | 'contact';
  values: Record<string, unknown>;
  /** The record being edited (never its own duplicate). */
  excludeId?: string | null;
  delay?: number;
}) {
  const { t, lang, wareki } = useI18n();
  const [hits, setHits] = useState<api.DuplicateCandidate[]>([]);
  const fields = duplicateFields(kind, values);
  const key = JSON.stringify(fields);
  const stableFields = useMemo(() => JSON.parse(key) as Record<string, string>, [key]);
  useEffect(() => {
    if (Object.keys(stableFields).length === 0) {
      setHits([]);
      return;
    }
    let alive = true;
    const timer = setTimeout(() => {
      api.checkDuplicates(kind, stableFields, excludeId).then(
        (r) => alive && setHits(r.slice(0, 5)),
        () => alive && setHits([]),
      );
    }, delay);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [kind, stableFields, excludeId, delay]);
  if (!hits.length) return null;
  return (
    <div className="dup-hint" role="status" data-testid="duplicate-hint">
      <strong>⚠ {t('dup_hint_title')}</strong>
      <ul className="plain">
        {hits.map((h) => (
          <li key={h.id} data-testid="duplicate-candidate" data-id={h.id}>
            <a href={recordHref(h.kind, h.id) ?? '#'} target="_self">
              {h.display_name}
            </a>
            {h.company_name && <span className="muted"> ({h.company_name})</span>}
            <span className="dup-rules">
              {h.rules.map((r) => (
                <span key={r} className="chip chip-sm chip-warn" data-testid="duplicate-rule" data-rule={r}>
                  {t(RULE_LABEL[r])}
                </span>
              ))}
            </span>
            <span className="muted small">
              {' · '}
              {h.owner_name ? `${t('dup_owner')}: ${h.owner_name}` : t('dup_no_owner')}
              {' · '}
              {h.last_contacted ? `${t('dup_last_contacted')}: ${formatDateTime(h.last_contacted, wareki, lang)}` : t('dup_never_contacted')}
            </span>
          </li>
        ))}
      </ul>
      <small className="muted">{t('dup_hint_note')}</small>
    </div>
  );
}
