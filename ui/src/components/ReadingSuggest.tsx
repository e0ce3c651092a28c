// フリガナ from the kanji: next to an empty reading field, a 読みを提案 button asks
// the core (`suggest_reading`, lindera + the IPADIC dictionary pack the app ships) and
// fills the field, which stays editable. Without the dictionary the core answers
// `reading_unavailable`: the button says so once and is not offered again.

import { useId, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { FieldDef } from '../bindings/FieldDef';
import type { Kind } from '../bindings/Kind';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import { FieldInput, type FormValues } from './fields';

/** Reading field → the field it is the reading of, per kind. */
export const READING_SOURCES: Partial<Record<Kind, Record<string, string>>> = {
  company: { name_reading: 'name' },
  contact: { family_reading: 'family_name', given_reading: 'given_name' },
  product: { name_reading: 'name' },
  user: { name_reading: 'name' },
};

/** Set once the core said it has no dictionary: the button is not offered again. */
let dictionaryMissing = false;

/** For tests. */
export function resetReadingAvailability(): void {
  dictionaryMissing = false;
}

type Note = 'incomplete' | 'unavailable' | { error: api.ApiError } | null;

export function ReadingField({ def, value, onChange, source }: { def: FieldDef; value: unknown; onChange: (v: unknown) => void; source: string }) {
  const { t, label, lang } = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const empty = !String(value ?? '').trim();
  const text = source.trim();
  const suggest = async () => {
    setBusy(true);
    setNote(null);
    try {
      const r = await api.suggestReading(text);
      onChange(r.reading);
      setNote(r.complete ? null : 'incomplete');
    } catch (e) {
      const err = api.toApiError(e);
      if (err.code === 'reading_unavailable') {
        dictionaryMissing = true;
        setNote('unavailable');
      } else {
        setNote({ error: err });
      }
    } finally {
      setBusy(false);
    }
  };
  const offer = empty && !!text && !dictionaryMissing;
  return (
    <div className="reading-field">
      <div className="reading-row">
        <FieldInput def={def} value={value} onChange={onChange} id={id} />
        {offer && (
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => void suggest()}
            disabled={busy}
            data-testid={`suggest-${def.name}`}
            title={`${label(def)}: ${text}`}
          >
            {busy ? '…' : t('reading_suggest')}
          </button>
        )}
      </div>
      {note && (
        <small className={note === 'incomplete' ? 'warn' : 'muted'} data-testid={`reading-note-${def.name}`}>
          {note === 'incomplete' ? t('reading_incomplete') : note === 'unavailable' ? t('reading_unavailable') : describeError(note.error, lang)}
        </small>
      )}
    </div>
  );
}

/** `RecordForm.render` entries giving each reading field of `kind` its suggestion button. */
export function readingRenderers(kind: Kind) {
  const sources = READING_SOURCES[kind];
  if (!sources) return undefined;
  const out: Record<string, (value: unknown, set: (v: unknown) => void, values: FormValues, def: FieldDef) => ReactNode> = {};
  for (const [field, from] of Object.entries(sources)) {
    out[field] = (value, set, values, def) => <ReadingField def={def} value={value} onChange={set} source={String(values[from] ?? '')} />;
  }
  return out;
}
