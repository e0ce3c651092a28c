import { useMemo } from 'react';
import type { Stored } from '../bindings/Stored';
import type { Kind } from '../bindings/Kind';
import type { ListQuery } from '../bindings/ListQuery';
import { forgetName, useAppData, useMeta, useToast } from '../app/data';
import { useI18n } from '../i18n';
import { LAYOUTS } from '../layouts';
import { Dialog } from './Dialog';
import type { Choice } from './fields';
import { identityFormProps } from './identity';
import { createRecord, patchRecord, RecordForm } from './RecordForm';

/**
 * Adds or edits a record of any kind in a dialog, with the kind's quick
 * layout. `preset` values are saved but not shown (e.g. the company of a new
 * contact); `initial` values are shown and editable.
 */
export function RecordDialog({
  kind,
  stored,
  preset,
  initial,
  fields,
  title,
  onClose,
  onSaved,
  choices,
  refFilters,
  sectioned,
}: {
  kind: Kind;
  stored?: Stored | null;
  preset?: Record<string, unknown>;
  initial?: Record<string, unknown>;
  fields?: string[];
  title?: string;
  onClose: () => void;
  onSaved?: (s: Stored) => void;
  choices?: Record<string, Choice[]>;
  refFilters?: Record<string, ListQuery['filters']>;
  sectioned?: boolean;
}) {
  const meta = useMeta(kind);
  const { t, kindLabel } = useI18n();
  const toast = useToast();
  const { bump } = useAppData();
  const names = fields ?? LAYOUTS[kind]?.quick;
  const defs = useMemo(() => {
    if (!meta) return [];
    const all = names ? names.map((n) => meta.fields.find((f) => f.name === n)!).filter(Boolean) : meta.fields;
    return all.filter((d) => !(preset && d.name in preset));
  }, [meta, names, preset]);
  const start = stored ? (stored.data as Record<string, unknown>) : { ...initial };
  const save = async (data: Record<string, unknown>) => {
    const saved = stored
      ? await patchRecord(kind, stored as { id: string; version: number; data: Record<string, unknown> }, data)
      : await createRecord(kind, { ...preset, ...data });
    forgetName(kind, (saved as Stored).id);
    toast(t('saved'));
    bump();
    onSaved?.(saved as Stored);
    onClose();
  };
  const heading = title ?? `${kindLabel(meta)} — ${stored ? t('edit') : t('new')}`;
  return (
    <Dialog title={heading} onClose={onClose} wide={defs.length > 8} testid={`dialog-${kind}`}>
      <RecordForm
        defs={defs}
        initial={start}
        save={save}
        omitBlank={!stored}
        onCancel={onClose}
        choices={choices}
        refFilters={refFilters}
        sectioned={sectioned}
        sectionOrder={LAYOUTS[kind]?.sections}
        testid={`form-${kind}`}
        {...identityFormProps(kind, stored?.id, preset)}
      />
    </Dialog>
  );
}
