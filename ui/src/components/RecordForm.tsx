// The shared record form: driven by the schema's FieldDef list, grouped in
// sections, showing the core's field-level errors next to each field and
// keeping everything the user typed when a save is refused.

import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import * as api from '../api';
import type { ApiError } from '../bindings/ApiError';
import type { FieldDef } from '../bindings/FieldDef';
import type { Kind } from '../bindings/Kind';
import { errorMessage, fieldErrors } from '../errors';
import { useI18n, type Lang } from '../i18n';
import { FieldRow, fromFormValues, toFormValues, type Choice, type FormValues } from './fields';

export interface FormState {
  values: FormValues;
  errors: Record<string, string>;
  banner: string | null;
  busy: boolean;
  set: (name: string, v: unknown) => void;
  setMany: (v: FormValues) => void;
  /** Shows an ApiError: field errors next to fields, the rest as a banner. */
  fail: (e: unknown) => void;
  /** Marks local (pre-submit) errors by code. */
  failLocal: (codes: Record<string, string>) => void;
  reset: (values: FormValues) => void;
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
}

export function applyError(e: ApiError, lang: Lang, known: Set<string>): { errors: Record<string, string>; banner: string | null } {
  const errors = fieldErrors(e, lang);
  const unplaced = Object.keys(errors).filter((f) => !known.has(f));
  let banner: string | null = null;
  if (Object.keys(errors).length === 0) banner = errorMessage(e.code, lang, e.message);
  else if (unplaced.length) banner = unplaced.map((f) => `${f}: ${errors[f]}`).join(' / ');
  return { errors, banner };
}

export function useRecordForm(defs: FieldDef[], initial: FormValues): FormState {
  const { lang, t } = useI18n();
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const known = useMemo(() => new Set(defs.map((d) => d.name)), [defs]);
  const set = useCallback((name: string, v: unknown) => {
    setValues((old) => ({ ...old, [name]: v }));
    setErrors((old) => {
      if (!(name in old)) return old;
      const next = { ...old };
      delete next[name];
      return next;
    });
  }, []);
  const setMany = useCallback((v: FormValues) => setValues((old) => ({ ...old, ...v })), []);
  const fail = useCallback(
    (e: unknown) => {
      const err = api.toApiError(e);
      const r = applyError(err, lang, known);
      setErrors(r.errors);
      setBanner(r.banner ?? (Object.keys(r.errors).length ? t('form_has_errors') : null));
    },
    [lang, known, t],
  );
  const failLocal = useCallback(
    (codes: Record<string, string>) => {
      const errs: Record<string, string> = {};
      for (const [f, c] of Object.entries(codes)) errs[f] = errorMessage(c, lang);
      setErrors(errs);
      setBanner(t('form_has_errors'));
    },
    [lang, t],
  );
  const reset = useCallback((v: FormValues) => {
    setValues(v);
    setErrors({});
    setBanner(null);
  }, []);
  const busyRef = useRef(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>) => {
    if (busyRef.current) return undefined;
    busyRef.current = true;
    setBusy(true);
    setBanner(null);
    try {
      return await fn();
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);
  return { values, errors, banner, busy, set, setMany, fail, failLocal, reset, run };
}

/** After a refused save, brings the first field with an error into view and focuses it. */
export function useFocusFirstError(ref: RefObject<HTMLElement | null>, errors: Record<string, string>): void {
  useEffect(() => {
    if (!Object.keys(errors).length || !ref.current) return;
    const field = ref.current.querySelector<HTMLElement>('.has-error');
    if (!field) return;
    field.scrollIntoView?.({ block: 'center' });
    field.querySelector<HTMLElement>('input, select, textarea, button')?.focus({ preventScroll: true });
  }, [errors, ref]);
}

/** Groups defs by section, keeping the order in which sections first appear (or `order`). */
export function groupBySection(defs: FieldDef[], order?: string[]): [string, FieldDef[]][] {
  const map = new Map<string, FieldDef[]>();
  for (const s of order ?? []) map.set(s, []);
  for (const d of defs) {
    if (!map.has(d.section)) map.set(d.section, []);
    map.get(d.section)!.push(d);
  }
  return [...map.entries()].filter(([, fs]) => fs.length > 0);
}

export interface RecordFormProps {
  defs: FieldDef[];
  initial?: Record<string, unknown> | null;
  /** Saves the converted fields; throw an ApiError to show field errors. */
  save: (data: Record<string, unknown>) => Promise<unknown>;
  /** Leave blank fields out of the saved data (creating a record). */
  omitBlank?: boolean;
  sectioned?: boolean;
  sectionOrder?: string[];
  choices?: Record<string, Choice[]>;
  refFilters?: Record<string, api.ListQuery['filters']>;
  submitLabel?: string;
  onCancel?: () => void;
  testid?: string;
  /** Extra content after the fields (inside the form). */
  footer?: ReactNode;
  /** Custom widget for some fields (`values`: the whole form, `def`: the field; null: the default widget). */
  render?: Record<string, (value: unknown, set: (v: unknown) => void, values: FormValues, def: FieldDef) => ReactNode>;
  /** Extra content computed from the values being typed (e.g. a duplicate warning). */
  aside?: (values: FormValues) => ReactNode;
}

/** The generic form: one widget per FieldDef, grouped in sections. */
export function RecordForm({
  defs,
  initial,
  save,
  omitBlank,
  sectioned,
  sectionOrder,
  choices,
  refFilters,
  submitLabel,
  onCancel,
  testid = 'record-form',
  footer,
  render,
  aside,
}: RecordFormProps) {
  const { t, section } = useI18n();
  const form = useRecordForm(defs, toFormValues(defs, initial ?? {}));
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, form.errors);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const { data, errors } = fromFormValues(defs, form.values, omitBlank);
    if (Object.keys(errors).length) {
      form.failLocal(errors);
      return;
    }
    await form.run(async () => {
      try {
        await save(data);
      } catch (err) {
        form.fail(err);
      }
    });
  };
  const row = (d: FieldDef) => (
    <FieldRow
      key={d.name}
      def={d}
      value={form.values[d.name]}
      onChange={(v) => form.set(d.name, v)}
      error={form.errors[d.name]}
      choices={choices?.[d.name]}
      refFilters={refFilters?.[d.name]}
    >
      {render?.[d.name]?.(form.values[d.name], (v) => form.set(d.name, v), form.values, d)}
    </FieldRow>
  );
  return (
    <form className="record-form" onSubmit={onSubmit} noValidate data-testid={testid} ref={formRef}>
      {form.banner && (
        <div className="banner banner-error" role="alert" data-testid="form-error">
          {form.banner}
        </div>
      )}
      {sectioned ? (
        groupBySection(defs, sectionOrder).map(([s, fs]) => (
          <fieldset key={s} className="form-section" data-section={s}>
            <legend>{section(s)}</legend>
            <div className="field-grid">{fs.map(row)}</div>
          </fieldset>
        ))
      ) : (
        <div className="field-grid">{defs.map(row)}</div>
      )}
      {aside?.(form.values)}
      {footer}
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel} data-testid="form-cancel">
            {t('cancel')}
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={form.busy} data-testid="form-save">
          {form.busy ? t('saving') : submitLabel ?? t('save')}
        </button>
      </div>
    </form>
  );
}

// ---- saving records ------------------------------------------------------------------

/** Creates a record of `kind` from converted form data. */
export function createRecord<K extends Kind>(kind: K, data: Record<string, unknown>) {
  return api.create(kind, data as Partial<api.DataOf<K>>);
}

/** Saves only the fields that changed, naming the version the form was opened at. */
export function patchRecord<K extends Kind>(
  kind: K,
  stored: { id: string; version: number; data: Record<string, unknown> },
  data: Record<string, unknown>,
) {
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const old = stored.data[k] ?? null;
    if (JSON.stringify(old) !== JSON.stringify(v)) changed[k] = v;
  }
  if (Object.keys(changed).length === 0) return Promise.resolve(stored);
  return api.patch(kind, stored.id, changed, stored.version);
}
