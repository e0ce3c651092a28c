// What the company and contact forms add to the generic RecordForm (issue 4):
// 読みを提案 next to the reading fields, and the duplicate hint under the fields.

import type { Kind } from '../bindings/Kind';
import { DuplicateHint } from './DuplicateHint';
import type { RecordFormProps } from './RecordForm';
import { readingRenderers } from './ReadingSuggest';

/**
 * `render` and `aside` for a RecordForm of `kind`. `excludeId`: the record
 * being edited; `preset`: values saved with the form but not shown in it
 * (e.g. the company of a new contact), which the duplicate rules also see.
 */
export function identityFormProps(kind: Kind, excludeId?: string | null, preset?: Record<string, unknown>): Pick<RecordFormProps, 'render' | 'aside'> {
  const render = readingRenderers(kind);
  if (kind !== 'company' && kind !== 'contact') return { render };
  return {
    render,
    aside: (values) => <DuplicateHint kind={kind} values={{ ...preset, ...values }} excludeId={excludeId} />,
  };
}
