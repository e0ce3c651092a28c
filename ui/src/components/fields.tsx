// Field widgets: one per FieldType, chosen from the schema's FieldDef.
// Values in a form are kept as the user typed them (numbers as text) and
// converted only on save, so nothing typed is lost when the core says no.

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import * as api from '../api';
import type { FieldDef } from '../bindings/FieldDef';
import type { Kind } from '../bindings/Kind';
import { useAppData, useRecordName } from '../app/data';
import { formatNumber } from '../format';
import { enumLabel, useI18n, type Lang } from '../i18n';

export const PREFECTURES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県',
  '埼玉県', '千葉県', '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県',
  '岐阜県', '静岡県', '愛知県', '三重県', '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県',
  '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県', '香川県', '愛媛県', '高知県', '福岡県',
  '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
];

/** The prefectures' English names, in the order of PREFECTURES (the stored value stays Japanese). */
const PREFECTURES_EN = [
  'Hokkaido', 'Aomori', 'Iwate', 'Miyagi', 'Akita', 'Yamagata', 'Fukushima', 'Ibaraki', 'Tochigi', 'Gunma',
  'Saitama', 'Chiba', 'Tokyo', 'Kanagawa', 'Niigata', 'Toyama', 'Ishikawa', 'Fukui', 'Yamanashi', 'Nagano',
  'Gifu', 'Shizuoka', 'Aichi', 'Mie', 'Shiga', 'Kyoto', 'Osaka', 'Hyogo', 'Nara', 'Wakayama',
  'Tottori', 'Shimane', 'Okayama', 'Hiroshima', 'Yamaguchi', 'Tokushima', 'Kagawa', 'Ehime', 'Kochi', 'Fukuoka',
  'Saga', 'Nagasaki', 'Kumamoto', 'Oita', 'Miyazaki', 'Kagoshima', 'Okinawa',
];

/** A prefecture as a choice in a list: its Japanese name, or its English one in the English UI. */
export function prefectureLabel(p: string, lang: Lang): string {
  const i = PREFECTURES.indexOf(p);
  return lang === 'en' && i >= 0 ? PREFECTURES_EN[i] : p;
}

export type FormValues = Record<string, unknown>;

export interface Choice {
  id: string;
  label: string;
  hint?: string;
}

const NUMERIC = new Set(['int', 'decimal', 'money']);
const LISTS = new Set(['tags', 'ref_list', 'json']);

/** A stored value → what the widget holds. */
export function toFormValue(def: FieldDef, v: unknown): unknown {
  if (def.type === 'money' && typeof v === 'number') return formatNumber(v);
  if (NUMERIC.has(def.type)) return v == null ? '' : String(v);
  if (LISTS.has(def.type)) return Array.isArray(v) ? v : [];
  if (def.type === 'bool') return !!v;
  return v == null ? '' : v;
}

export function toFormValues(defs: FieldDef[], data: Record<string, unknown> | null | undefined): FormValues {
  const out: FormValues = {};
  for (const d of defs) out[d.name] = toFormValue(d, data?.[d.name]);
  return out;
}

/** Full-width digits and signs to ASCII; thousands separators and 円/¥ removed. */
export function parseNumber(text: string): number | null {
  const t = text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[－−ー]/g, '-')
    .replace(/．/g, '.')
    .replace(/[,，、円¥￥\s%％]/g, '');
  if (t === '' || !/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

export interface Converted {
  data: Record<string, unknown>;
  /** Field → error code, for what can be told before asking the core. */
  errors: Record<string, string>;
}

/**
 * Form values → record fields. Blank becomes null; numbers are parsed (a
 * value that is not a number is an `invalid_number` error, the code the
 * core uses). With `omitBlank`, blank fields are left out (creating a typed
 * record: the core fills defaults).
 */
export function fromFormValues(defs: FieldDef[], values: FormValues, omitBlank = false): Converted {
  const data: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const d of defs) {
    if (!(d.name in values)) continue;
    const v = values[d.name];
    let out: unknown = v;
    if (NUMERIC.has(d.type)) {
      const s = String(v ?? '').trim();
      if (s === '') out = null;
      else {
        const n = parseNumber(s);
        if (n == null || ((d.type === 'int' || d.type === 'money') && !Number.isInteger(n))) {
          errors[d.name] = 'invalid_number';
          continue;
        }
        out = n;
      }
    } else if (LISTS.has(d.type)) {
      out = Array.isArray(v) ? v : [];
    } else if (d.type === 'bool') {
      out = !!v;
    } else if (d.type === 'date_time' && typeof v === 'string' && v.trim()) {
      // The core folds text to lower case before parsing, so it does not see
      // the `T` of `YYYY-MM-DDTHH:MM`; a space is read the same way and the
      // stored value comes back with the `T`.
      out = v.trim().replace('T', ' ');
    } else {
      out = typeof v === 'string' ? (v.trim() === '' ? null : v) : v ?? null;
    }
    if (omitBlank && (out === null || (Array.isArray(out) && out.length === 0))) {
      if (d.required && NUMERIC.has(d.type)) errors[d.name] = 'required';
      continue;
    }
    data[d.name] = out;
  }
  return { data, errors };
}

// ---- widgets --------------------------------------------------------------------

export interface WidgetProps {
  def: FieldDef;
  value: unknown;
  onChange: (v: unknown) => void;
  id: string;
  invalid?: boolean;
  /** Candidates for a ref / ref_list field instead of searching (e.g. the company's contacts). */
  choices?: Choice[];
  /** Filters for searching a ref field (e.g. contacts of one company). */
  refFilters?: api.ListQuery['filters'];
  disabled?: boolean;
}

export function FieldInput(props: WidgetProps) {
  const { def, value, onChange, id, invalid, disabled } = props;
  const { enumLabel, t, lang } = useI18n();
  const common = {
    id,
    name: def.name,
    'data-testid': `field-${def.name}`,
    'aria-invalid': invalid || undefined,
    disabled,
  };
  const str = typeof value === 'string' ? value : value == null ? '' : String(value);
  switch (def.type) {
    case 'long_text':
      return <textarea {...common} rows={4} value={str} onChange={(e) => onChange(e.target.value)} />;
    case 'date':
      return <input {...common} type="date" value={str} onChange={(e) => onChange(e.target.value)} />;
    case 'date_time':
      return <input {...common} type="datetime-local" value={str} onChange={(e) => onChange(e.target.value)} />;
    case 'email':
      return <input {...common} type="text" inputMode="email" autoComplete="off" value={str} onChange={(e) => onChange(e.target.value)} />;
    case 'phone':
      return <input {...common} type="tel" value={str} placeholder="03-1234-5678" onChange={(e) => onChange(e.target.value)} />;
    case 'url':
      return <input {...common} type="text" inputMode="url" value={str} placeholder="https://" onChange={(e) => onChange(e.target.value)} />;
    case 'postal':
      return <input {...common} type="text" inputMode="numeric" value={str} placeholder="123-4567" className="w-postal" onChange={(e) => onChange(e.target.value)} />;
    case 'corporate_number':
      return <input {...common} type="text" inputMode="numeric" value={str} placeholder={t('corporate_number_placeholder')} className="w-corp" onChange={(e) => onChange(e.target.value)} />;
    case 'prefecture':
      return (
        <select {...common} value={str} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {PREFECTURES.map((p) => (
            <option key={p} value={p}>
              {prefectureLabel(p, lang)}
            </option>
          ))}
        </select>
      );
    case 'enum':
      return (
        <select {...common} value={str} onChange={(e) => onChange(e.target.value)}>
          {!def.required || !str ? <option value="">—</option> : null}
          {def.values.map((v) => (
            <option key={v} value={v}>
              {enumLabel(v, def.name)}
            </option>
          ))}
        </select>
      );
    case 'int':
      if (def.min >= 0 && def.max - def.min <= 9 && def.max <= 10) {
        return <ScoreInput {...props} />;
      }
      return <input {...common} type="text" inputMode="numeric" className="w-num" value={str} onChange={(e) => onChange(e.target.value)} />;
    case 'decimal':
      return <input {...common} type="text" inputMode="decimal" className="w-num" value={str} onChange={(e) => onChange(e.target.value)} />;
    case 'money':
      return (
        <span className="money-input">
          <span className="money-prefix">¥</span>
          <input {...common} type="text" inputMode="numeric" className="w-num" value={str} onChange={(e) => onChange(e.target.value)} />
        </span>
      );
    case 'bool':
      return (
        <input
          {...common}
          type="checkbox"
          checked={!!value}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
    case 'tags':
      return <TagsInput {...props} />;
    case 'ref':
      return <RefPicker {...props} kind={def.kind} />;
    case 'ref_list':
      return <RefListPicker {...props} kind={def.kind} />;
    case 'json':
      return <JsonRows {...props} />;
    default:
      return <input {...common} type="text" value={str} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** 1–5 (or 1–10) as a row of buttons. */
function ScoreInput({ def, value, onChange, id, invalid }: WidgetProps) {
  if (def.type !== 'int') return null;
  const current = value === '' || value == null ? null : Number(value);
  const opts: number[] = [];
  for (let i = Math.max(def.min, 1); i <= def.max; i++) opts.push(i);
  return (
    <div className="score-input" role="radiogroup" id={id} data-testid={`field-${def.name}`} aria-invalid={invalid || undefined}>
      {opts.map((n) => (
        <button
          type="button"
          key={n}
          role="radio"
          aria-checked={current === n}
          className={current != null && n <= current ? 'on' : ''}
          onClick={() => onChange(current === n ? '' : String(n))}
          data-testid={`field-${def.name}-${n}`}
        >
          {n}
        </button>
      ))}
    </div>
  );
}

function TagsInput({ def, value, onChange, id, invalid }: WidgetProps) {
  const { t: tr } = useI18n();
  const tags = Array.isArray(value) ? (value as string[]) : [];
  const [text, setText] = useState('');
  const commit = () => {
    const parts = text
      .split(/[,、，]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .filter((s) => !tags.includes(s));
    if (parts.length) onChange([...tags, ...parts]);
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      if (text.trim()) {
        e.preventDefault();
        commit();
      }
    } else if (e.key === 'Backspace' && !text && tags.length) {
      onChange(tags.slice(0, -1));
    }
  };
  return (
    <div className={`chips-input ${invalid ? 'invalid' : ''}`}>
      {tags.map((t) => (
        <span className="chip" key={t}>
          {t}
          <button type="button" className="chip-x" aria-label={`${tr('remove_item')}: ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        id={id}
        data-testid={`field-${def.name}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
        onBlur={commit}
        placeholder={tags.length ? '' : tr('tags_placeholder')}
      />
    </div>
  );
}

/** Search-as-you-type over one kind; arrow keys and Enter choose. */
/** Kinds the core's `search` indexes (keys::SEARCH_KINDS). */
const SEARCHED_KINDS: Kind[] = ['company', 'contact', 'deal', 'product', 'activity'];

export function RecordSearch({
  kind,
  onPick,
  exclude = [],
  filters,
  placeholder,
  testid,
  id,
  autoFocus,
}: {
  kind: Kind;
  onPick: (c: Choice) => void;
  exclude?: string[];
  filters?: api.ListQuery['filters'];
  placeholder?: string;
  testid?: string;
  id?: string;
  autoFocus?: boolean;
}) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Choice[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    if (!open) return;
    const my = ++seq.current;
    const t = setTimeout(async () => {
      try {
        const text = q.trim();
        // Kinds the core's search covers are found by reading, ㈱/株式会社, phone … (issue 4), best first.
        const ids = text && SEARCHED_KINDS.includes(kind) ? await api.searchIds(kind, text, 50) : null;
        const query = ids ? { filters: [...(filters ?? []), { field: 'id', op: 'in' as const, value: ids }] } : { q: text || undefined, filters: filters ?? [] };
        const page = await api.list(kind, { ...query, limit: ids ? 50 : 12, no_total: true });
        if (my !== seq.current) return;
        const rank = (id: string) => (ids ? ids.indexOf(id) : 0);
        setItems(
          [...page.items]
            .sort((a, b) => rank(a.id) - rank(b.id))
            .slice(0, 12)
            .filter((s) => !exclude.includes(s.id))
            .map((s) => ({ id: s.id, label: s.display_name, hint: hintOf(s, lang) })),
        );
        setActive(0);
      } catch {
        if (my === seq.current) setItems([]);
      }
    }, 120);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, open, kind, JSON.stringify(filters), exclude.join(',')]);
  const pick = (c: Choice) => {
    onPick(c);
    setQ('');
    setOpen(false);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      if (open && items[active]) {
        e.preventDefault();
        pick(items[active]);
      }
    } else if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
    }
  };
  return (
    <div className="search-picker">
      <input
        id={id}
        type="text"
        value={q}
        autoFocus={autoFocus}
        placeholder={placeholder ?? t('search_short')}
        data-testid={testid}
        role="combobox"
        aria-expanded={open}
        aria-autocomplete="list"
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onKeyDown={onKey}
      />
      {open && items.length > 0 && (
        <ul className="picker-menu" role="listbox">
          {items.map((c, i) => (
            <li
              key={c.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              data-testid={testid ? `${testid}-option` : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span>{c.label}</span>
              {c.hint && <small>{c.hint}</small>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function hintOf(s: api.Stored, lang: Lang): string {
  switch (s.kind) {
    case 'company':
      return [s.data.prefecture, s.data.city].filter(Boolean).join(' ');
    case 'contact':
      return [s.data.department, s.data.title].filter(Boolean).join(' ');
    case 'deal':
      return enumLabel(lang, s.data.stage, 'stage');
    case 'product':
      return s.data.maker ?? '';
    default:
      return '';
  }
}

function UserSelect({ def, value, onChange, id, invalid, disabled }: WidgetProps) {
  const { users } = useAppData();
  const { t } = useI18n();
  const str = typeof value === 'string' ? value : '';
  const shown = users.filter((u) => u.data.active || u.id === str);
  return (
    <select id={id} value={str} onChange={(e) => onChange(e.target.value)} data-testid={`field-${def.name}`} aria-invalid={invalid || undefined} disabled={disabled}>
      <option value="">—</option>
      {shown.map((u) => (
        <option key={u.id} value={u.id}>
          {u.display_name}
          {u.data.active ? '' : t('user_left_suffix')}
        </option>
      ))}
    </select>
  );
}

function RefPicker(props: WidgetProps & { kind: Kind }) {
  const { def, value, onChange, id, kind, choices, refFilters, invalid, disabled } = props;
  const { t } = useI18n();
  const str = typeof value === 'string' ? value : '';
  const name = useRecordName(kind, str || null);
  if (kind === 'user') return <UserSelect {...props} />;
  if (choices) {
    return (
      <select id={id} value={str} onChange={(e) => onChange(e.target.value)} data-testid={`field-${def.name}`} aria-invalid={invalid || undefined} disabled={disabled}>
        <option value="">—</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
    );
  }
  if (str) {
    return (
      <div className="ref-chosen" data-testid={`field-${def.name}`} data-value={str}>
        <span className="chip chip-ref">{name || '…'}</span>
        {!disabled && (
          <button type="button" className="btn-link" onClick={() => onChange('')} data-testid={`field-${def.name}-clear`}>
            {t('ref_change')}
          </button>
        )}
      </div>
    );
  }
  return <RecordSearch kind={kind} id={id} filters={refFilters} testid={`field-${def.name}`} onPick={(c) => onChange(c.id)} />;
}

function ChipName({ kind, id }: { kind: Kind; id: string }) {
  const name = useRecordName(kind, id);
  return <>{name || '…'}</>;
}

function RefListPicker(props: WidgetProps & { kind: Kind }) {
  const { def, value, onChange, id, kind, choices, refFilters } = props;
  const { users } = useAppData();
  const { t } = useI18n();
  const ids = Array.isArray(value) ? (value as string[]) : [];
  const toggle = (x: string) => onChange(ids.includes(x) ? ids.filter((i) => i !== x) : [...ids, x]);
  const options: Choice[] | undefined =
    choices ?? (kind === 'user' ? users.filter((u) => u.data.active || ids.includes(u.id)).map((u) => ({ id: u.id, label: u.display_name })) : undefined);
  if (options) {
    return (
      <div className="toggle-list" id={id} data-testid={`field-${def.name}`}>
        {options.length === 0 && <span className="muted">—</span>}
        {options.map((c) => (
          <label key={c.id} className={`toggle ${ids.includes(c.id) ? 'on' : ''}`} data-testid={`field-${def.name}-option`}>
            <input type="checkbox" checked={ids.includes(c.id)} onChange={() => toggle(c.id)} />
            <span>{c.label}</span>
            {c.hint && <small>{c.hint}</small>}
          </label>
        ))}
      </div>
    );
  }
  return (
    <div className="chips-input">
      {ids.map((x) => (
        <span className="chip" key={x}>
          <ChipName kind={kind} id={x} />
          <button type="button" className="chip-x" aria-label={t('remove_item')} onClick={() => toggle(x)}>
            ×
          </button>
        </span>
      ))}
      <RecordSearch kind={kind} id={id} exclude={ids} filters={refFilters} testid={`field-${def.name}`} onPick={(c) => onChange([...ids, c.id])} />
    </div>
  );
}

const JSON_COLUMNS: Record<string, { key: string; ja: string; en: string; number?: boolean }[]> = {
  sns: [
    { key: 'service', ja: 'サービス', en: 'Service' },
    { key: 'account', ja: 'アカウント・URL', en: 'Account / URL' },
  ],
  department_sales: [
    { key: 'department', ja: '部門', en: 'Department' },
    { key: 'amount', ja: '売上(円)', en: 'Sales (¥)', number: true },
  ],
};

function JsonRows({ def, value, onChange, id }: WidgetProps) {
  const { lang, t } = useI18n();
  const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  const cols = JSON_COLUMNS[def.name] ?? [{ key: 'value', ja: '値', en: 'Value' }];
  const set = (i: number, key: string, v: string, number?: boolean) => {
    const next = rows.map((r, j) => (j === i ? { ...r, [key]: number ? parseNumber(v) ?? v : v } : r));
    onChange(next);
  };
  const blank = () => Object.fromEntries(cols.map((c) => [c.key, c.number ? 0 : '']));
  return (
    <div className="json-rows" id={id} data-testid={`field-${def.name}`}>
      {rows.map((r, i) => (
        <div className="json-row" key={i}>
          {cols.map((c) => (
            <input
              key={c.key}
              placeholder={lang === 'ja' ? c.ja : c.en}
              value={r[c.key] == null ? '' : String(r[c.key])}
              inputMode={c.number ? 'numeric' : undefined}
              onChange={(e) => set(i, c.key, e.target.value, c.number)}
            />
          ))}
          <button type="button" className="btn-icon" aria-label={t('remove_item')} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn-link" onClick={() => onChange([...rows, blank()])}>
        + {lang === 'ja' ? '行を追加' : 'Add row'}
      </button>
    </div>
  );
}

// ---- a labelled field with its error -------------------------------------------

export function FieldRow({
  def,
  value,
  onChange,
  error,
  choices,
  refFilters,
  wide,
  children,
  disabled,
}: {
  def: FieldDef;
  value: unknown;
  onChange: (v: unknown) => void;
  error?: string;
  choices?: Choice[];
  refFilters?: api.ListQuery['filters'];
  wide?: boolean;
  children?: ReactNode;
  disabled?: boolean;
}) {
  const { label } = useI18n();
  const id = useId();
  const isWide = wide ?? (def.type === 'long_text' || def.type === 'json' || def.type === 'ref_list');
  return (
    <div className={`field ${isWide ? 'field-wide' : ''} ${error ? 'has-error' : ''}`} data-field={def.name}>
      <label htmlFor={id} className="field-label">
        {label(def)}
        {def.required && <span className="req" aria-hidden>*</span>}
      </label>
      <div className="field-control">
        {children ?? (
          <FieldInput def={def} value={value} onChange={onChange} id={id} invalid={!!error} choices={choices} refFilters={refFilters} disabled={disabled} />
        )}
      </div>
      {error && (
        <div className="field-error" role="alert" data-testid={`error-${def.name}`}>
          {error}
        </div>
      )}
    </div>
  );
}
