// Read-only view of a record, driven by the same FieldDef list as the form.

import type { FieldDef } from '../bindings/FieldDef';
import type { Kind } from '../bindings/Kind';
import { useRecordName } from '../app/data';
import { recordHref } from '../app/router';
import { useFormat } from '../format';
import { useI18n } from '../i18n';
import { groupBySection } from './RecordForm';

export function RefLink({ kind, id, testid }: { kind: Kind; id: string | null | undefined; testid?: string }) {
  const name = useRecordName(kind, id);
  if (!id) return null;
  const h = recordHref(kind, id);
  return h ? (
    <a href={h} data-testid={testid}>
      {name || '…'}
    </a>
  ) : (
    <span data-testid={testid}>{name || '…'}</span>
  );
}

export function isBlank(v: unknown): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

export function FieldValue({ def, value }: { def: FieldDef; value: unknown }) {
  const { enumLabel } = useI18n();
  const f = useFormat();
  if (isBlank(value)) return <span className="muted">—</span>;
  switch (def.type) {
    case 'date':
      return <>{f.date(String(value))}</>;
    case 'date_time':
      return <>{f.dateTime(String(value))}</>;
    case 'money':
      return <>{f.yen(Number(value))}</>;
    case 'int':
      if (def.max <= 10 && def.min >= 0) return <Stars n={Number(value)} max={def.max} />;
      if (def.min >= 1000 && def.max <= 9999) return <>{String(value)}</>; // years
      return <>{f.num(Number(value))}</>;
    case 'decimal':
      return <>{f.num(Number(value), 2)}</>;
    case 'enum':
      return <span className={`badge badge-${String(value)}`}>{enumLabel(String(value), def.name)}</span>;
    case 'bool':
      return <>{value ? '✓' : '—'}</>;
    case 'email':
      return <a href={`mailto:${String(value)}`}>{String(value)}</a>;
    case 'phone':
      return <a href={`tel:${String(value).replace(/[^\d+]/g, '')}`}>{String(value)}</a>;
    case 'url': {
      const s = String(value);
      // Only web addresses become links: a value with another scheme
      // (javascript:, data:… — from an old device or a hand-made file) is text.
      if (/^[a-z][a-z0-9+.-]*:/i.test(s) && !/^https?:\/\//i.test(s)) return <>{s}</>;
      const url = /^https?:\/\//i.test(s) ? s : `https://${s}`;
      return (
        <a href={url} target="_blank" rel="noreferrer noopener">
          {s}
        </a>
      );
    }
    case 'tags':
      return (
        <span className="chips">
          {(value as string[]).map((t) => (
            <span key={t} className="chip">
              {t}
            </span>
          ))}
        </span>
      );
    case 'ref':
      return <RefLink kind={def.kind} id={String(value)} />;
    case 'ref_list':
      return (
        <span className="chips">
          {(value as string[]).map((id) => (
            <span key={id} className="chip chip-ref">
              <RefLink kind={def.kind} id={id} />
            </span>
          ))}
        </span>
      );
    case 'long_text':
      return <div className="pre">{String(value)}</div>;
    case 'json':
      return (
        <ul className="plain">
          {(value as Record<string, unknown>[]).map((r, i) => (
            <li key={i}>
              {Object.values(r)
                .map((x) => (typeof x === 'number' ? (def.name === 'department_sales' ? f.yen(x) : f.num(x, 2)) : String(x)))
                .join(' — ')}
            </li>
          ))}
        </ul>
      );
    default:
      return <>{String(value)}</>;
  }
}

export function Stars({ n, max = 5 }: { n: number; max?: number }) {
  const m = Math.min(max, 10);
  return (
    <span className="stars" aria-label={`${n}/${m}`} title={`${n}/${m}`}>
      {Array.from({ length: m }, (_, i) => (
        <span key={i} className={i < n ? 'on' : ''}>
          ●
        </span>
      ))}
    </span>
  );
}

/** Sections of label/value pairs. Blank fields are hidden unless `showBlank`. */
export function RecordView({
  defs,
  data,
  sectionOrder,
  showBlank,
  testid = 'record-view',
}: {
  defs: FieldDef[];
  data: Record<string, unknown>;
  sectionOrder?: string[];
  showBlank?: boolean;
  testid?: string;
}) {
  const { section, label } = useI18n();
  const groups = groupBySection(defs, sectionOrder);
  return (
    <div className="record-view" data-testid={testid}>
      {groups.map(([s, fs]) => {
        const shown = showBlank ? fs : fs.filter((d) => !isBlank(data[d.name]));
        return (
          <section key={s} className="view-section card" data-section={s}>
            <h3>{section(s)}</h3>
            {shown.length === 0 ? (
              <p className="muted small">—</p>
            ) : (
              <dl className="kv">
                {shown.map((d) => (
                  <div key={d.name} className={`kv-row ${d.type === 'long_text' ? 'kv-wide' : ''}`} data-field={d.name}>
                    <dt>{label(d)}</dt>
                    <dd data-testid={`value-${d.name}`}>
                      <FieldValue def={d} value={data[d.name]} />
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
        );
      })}
    </div>
  );
}
