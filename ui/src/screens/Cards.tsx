// 名刺取り込み (issue 22): drop or pick one or many photos of business cards;
// each is read offline on this computer (host commands card_scan /
// card_batch_*); the review shows the straightened card beside its fields
// (low-confidence fields marked; a field's box drawn on the card while it
// is focused), the existing company and person offered first, and saves a
// contact, a card exchange and the photo (card_save).

import { useEffect, useRef, useState } from 'react';
import * as api from '../api';
import { useToast } from '../app/data';
import { recordHref } from '../app/router';
import type { CardFieldName } from '../bindings/CardFieldName';
import type { CardOffers } from '../bindings/CardOffers';
import type { CardSaved } from '../bindings/CardSaved';
import type { CardScan } from '../bindings/CardScan';
import type { CardJobStatus } from '../bindings/CardJobStatus';
import type { ApiError } from '../bindings/ApiError';
import { formatDateTime } from '../dates';
import { describeError } from '../errors';
import { useI18n, type DictKey } from '../i18n';
import { fileToBase64 } from '../transfer';

const FIELDS: CardFieldName[] = [
  'company',
  'department',
  'title',
  'family_name',
  'given_name',
  'family_reading',
  'given_reading',
  'postal_code',
  'address',
  'phone',
  'mobile',
  'fax',
  'email',
  'url',
];

const LOW = 75;

interface Item {
  key: number;
  name: string;
  base64: string;
  state: 'reading' | 'done' | 'error' | 'saved';
  scan?: CardScan;
  offers?: CardOffers;
  error?: ApiError;
  values: Partial<Record<CardFieldName, string>>;
  companyId: string | null;
  contactId: string | null;
  saved?: CardSaved;
}

function expectType<T extends api.Answer['type']>(r: api.Answer, type: T) {
  if (r.type !== type) throw { code: 'bad_response', message: `expected ${type}`, details: [] };
  return (r as Extract<api.Answer, { type: T }>).data as Extract<api.Answer, { type: T }> extends { data: infer D } ? D : never;
}

function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

let nextKey = 1;

export function CardsScreen() {
  const { t, lang, wareki } = useI18n();
  const toast = useToast();
  const [items, setItems] = useState<Item[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [job, setJob] = useState<CardJobStatus | null>(null);
  const [date, setDate] = useState(today());
  const [saving, setSaving] = useState(false);
  const [dragging, setDragging] = useState(false);
  const jobKeys = useRef<number[]>([]);

  const patchItem = (key: number, f: (it: Item) => Item) => setItems((xs) => xs.map((x) => (x.key === key ? f(x) : x)));

  const withScan = (it: Item, scan: CardScan, offers: CardOffers | undefined): Item => ({
    ...it,
    state: 'done',
    scan,
    offers,
    values: Object.fromEntries(scan.fields.map((f) => [f.name, f.value])),
    companyId: offers?.companies[0]?.id ?? null,
    contactId: null,
  });

  const offersFor = async (values: Item['values']) => expectType(await api.call({ cmd: 'card_offers', fields: values }), 'card_offers');

  async function addFiles(files: File[]) {
    if (files.length === 0) return;
    const read: Item[] = [];
    for (const f of files) {
      read.push({ key: nextKey++, name: f.name, base64: await fileToBase64(f), state: 'reading', values: {}, companyId: null, contactId: null });
    }
    setItems((xs) => [...xs, ...read]);
    setSelected((s) => s ?? read[0].key);
    if (read.length === 1) {
      const it = read[0];
      try {
        const r = expectType(await api.call({ cmd: 'card_scan', file: { name: it.name, base64: it.base64 } }), 'card_scanned');
        patchItem(it.key, (x) => withScan(x, r.scan, r.offers));
      } catch (e) {
        patchItem(it.key, (x) => ({ ...x, state: 'error', error: api.toApiError(e) }));
      }
      return;
    }
    try {
      const status = expectType(
        await api.call({ cmd: 'card_batch_start', files: read.map((it) => ({ name: it.name, base64: it.base64 })) }),
        'card_job',
      );
      jobKeys.current = read.map((it) => it.key);
      // Cards may finish before the start answers (a PDF is refused at once):
      // the first poll asks from the first card, so none of them is skipped.
      setJob({ ...status, state: 'running', done: 0, items: [] });
    } catch (e) {
      const err = api.toApiError(e);
      setItems((xs) => xs.map((x) => (read.some((r) => r.key === x.key) ? { ...x, state: 'error', error: err } : x)));
    }
  }

  // Batch progress: poll, take the new results, look up their offers.
  useEffect(() => {
    if (!job || job.state !== 'running') return;
    let stop = false;
    const timer = window.setTimeout(async () => {
      try {
        const status = expectType(await api.call({ cmd: 'card_batch_progress', job: job.id, since: job.done }), 'card_job');
        if (stop) return;
        for (const r of status.items) {
          const key = jobKeys.current[r.index];
          if (r.scan) {
            const scan = r.scan;
            const values = Object.fromEntries(scan.fields.map((f) => [f.name, f.value]));
            const offers = await offersFor(values).catch(() => undefined);
            patchItem(key, (x) => withScan(x, scan, offers));
          } else {
            patchItem(key, (x) => ({ ...x, state: 'error', error: r.error ?? undefined }));
          }
        }
        setJob({ ...status, done: status.done, items: [] });
        if (status.state === 'cancelled') {
          const finished = new Set(status.items.map((r) => jobKeys.current[r.index]));
          setItems((xs) => xs.map((x) => (x.state === 'reading' && !finished.has(x.key) && jobKeys.current.includes(x.key) ? { ...x, state: 'error', error: { code: 'cancelled', message: 'cancelled', details: [] } as unknown as ApiError } : x)));
        }
      } catch (e) {
        toast(describeError(api.toApiError(e), lang), 'error');
      }
    }, 500);
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [job]); // eslint-disable-line react-hooks/exhaustive-deps

  const cancel = async () => {
    if (!job) return;
    try {
      await api.call({ cmd: 'card_batch_cancel', job: job.id });
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    }
  };

  const current = items.find((x) => x.key === selected) ?? null;

  const save = async (it: Item) => {
    setSaving(true);
    try {
      const saved = expectType(
        await api.call({
          cmd: 'card_save',
          card: {
            fields: it.values,
            company_id: it.companyId ?? undefined,
            contact_id: it.contactId ?? undefined,
            exchanged_on: date,
            image: { name: it.name, base64: it.base64 },
          },
        }),
        'card_saved',
      );
      api.notifyWrite();
      patchItem(it.key, (x) => ({ ...x, state: 'saved', saved }));
      toast(t('cards_saved_toast'), 'ok');
      const next = items.find((x) => x.key !== it.key && x.state === 'done');
      if (next) setSelected(next.key);
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setSaving(false);
    }
  };

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void addFiles(Array.from(e.dataTransfer.files));
  };

  return (
    <div className="page page-wide" data-testid="screen-cards">
      <div className="page-head">
        <h1>{t('cards_title')}</h1>
        <p className="muted">{t('cards_lead')}</p>
      </div>
      <section
        className={`card cards-drop ${dragging ? 'cards-drop-active' : ''}`}
        data-testid="cards-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('cards_drop')}</p>
        <label className="btn btn-primary">
          {t('cards_pick')}
          <input
            type="file"
            accept="image/jpeg,image/png,image/heic,.heic,.jpg,.jpeg,.png"
            multiple
            hidden
            data-testid="cards-input"
            onChange={(e) => {
              void addFiles(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
        </label>
        {job && (
          <div className="cards-job" data-testid="cards-job" data-state={job.state}>
            <progress max={job.total} value={job.done} />{' '}
            <span data-testid="cards-job-count">{t('cards_progress', { done: job.done, total: job.total })}</span>{' '}
            {job.state === 'running' && (
              <button className="btn btn-sm" data-testid="cards-cancel" onClick={cancel} disabled={job.cancel_requested}>
                {t('cards_cancel')}
              </button>
            )}
            {job.state === 'cancelled' && <span className="muted">{t('cards_cancelled')}</span>}
          </div>
        )}
      </section>

      {items.length > 0 && (
        <div className="cards-layout">
          <ul className="cards-list" data-testid="cards-list">
            {items.map((it) => (
              <li key={it.key}>
                <button
                  className={`list-button ${it.key === selected ? 'active' : ''}`}
                  data-testid="cards-item"
                  data-state={it.state}
                  data-name={it.name}
                  onClick={() => setSelected(it.key)}
                >
                  <span className="ellipsis">{it.name}</span>{' '}
                  <span className={`badge ${it.state === 'error' ? 'badge-lost' : it.state === 'saved' ? 'badge-won' : ''}`}>
                    {t(`cards_state_${it.state}` as DictKey)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {current && (
            <Review
              key={current.key}
              it={current}
              onChange={(f) => patchItem(current.key, f)}
              onSave={() => save(current)}
              onRecheck={async () => {
                try {
                  const offers = await offersFor(current.values);
                  patchItem(current.key, (x) => ({ ...x, offers }));
                } catch (e) {
                  toast(describeError(api.toApiError(e), lang), 'error');
                }
              }}
              saving={saving}
              date={date}
              setDate={setDate}
              lang={lang}
              wareki={wareki}
            />
          )}
        </div>
      )}
    </div>
  );
}

function Review(props: {
  it: Item;
  onChange: (f: (it: Item) => Item) => void;
  onSave: () => void;
  onRecheck: () => void;
  saving: boolean;
  date: string;
  setDate: (d: string) => void;
  lang: 'ja' | 'en';
  wareki: boolean;
}) {
  const { it, onChange, onSave, onRecheck, saving, date, setDate, lang, wareki } = props;
  const { t } = useI18n();
  const [active, setActive] = useState<CardFieldName | null>(null);
  const imgRef = useRef<HTMLImageElement>(null);
  const [shown, setShown] = useState<{ w: number; h: number } | null>(null);

  if (it.state === 'reading') {
    return (
      <section className="card cards-review" data-testid="cards-reading">
        <p className="muted">{t('cards_reading', { name: it.name })}</p>
      </section>
    );
  }
  if (it.state === 'error' || !it.scan) {
    return (
      <section className="card cards-review" data-testid="cards-error" data-code={it.error?.code}>
        <p className="field-error">{it.error ? describeError(it.error, lang) : ''}</p>
      </section>
    );
  }
  const scan = it.scan;
  const field = (n: CardFieldName) => scan.fields.find((f) => f.name === n);
  const boxes = active ? field(active)?.boxes ?? [] : [];
  const scale = shown ? shown.w / scan.width : 0;
  const personOffers = it.offers?.contacts ?? [];
  const companyOffers = it.offers?.companies ?? [];
  const offerLine = (c: { owner_name: string | null; last_contacted: string | null }) =>
    `${c.owner_name ? `${t('dup_owner')}: ${c.owner_name}` : t('dup_no_owner')} · ${
      c.last_contacted ? `${t('dup_last_contacted')}: ${formatDateTime(c.last_contacted, wareki, lang)}` : t('dup_never_contacted')
    }`;

  return (
    <section className="card cards-review" data-testid="cards-review">
      <div className="cards-image-wrap">
        <img
          ref={imgRef}
          src={`data:image/png;base64,${scan.card_png}`}
          alt={t('cards_image_alt')}
          data-testid="cards-image"
          className="cards-image"
          onLoad={(e) => setShown({ w: e.currentTarget.clientWidth, h: e.currentTarget.clientHeight })}
        />
        {boxes.map((b, i) => (
          <div
            key={i}
            className="cards-box"
            data-testid="cards-box"
            style={{ left: b.x * scale, top: b.y * scale, width: b.w * scale, height: b.h * scale }}
          />
        ))}
        <p className="muted small">
          {t(scan.orientation === 'vertical' ? 'cards_vertical' : 'cards_horizontal')} · {t('cards_confidence')} {scan.mean_confidence.toFixed(0)}
        </p>
      </div>
      <div className="cards-fields">
        {it.state === 'saved' && it.saved && (
          <p className="banner banner-ok" data-testid="cards-saved">
            {t('cards_saved')}{' '}
            <a href={recordHref('contact', it.saved.contact_id) ?? '#'} data-testid="cards-saved-link">
              {t('cards_open_contact')}
            </a>
          </p>
        )}
        <div className="field-grid">
          {FIELDS.map((n) => {
            const f = field(n);
            const low = !!f && (f.confidence < LOW || !!f.problem);
            return (
              <label key={n} className={`field ${low ? 'has-error cards-low' : ''}`} data-testid={`cards-field-${n}`} data-low={low ? 'true' : 'false'}>
                <span className="field-label">
                  {t(`cards_f_${n}` as DictKey)}
                  {f && <span className="muted small"> {f.confidence.toFixed(0)}</span>}
                </span>
                <input
                  value={it.values[n] ?? ''}
                  onFocus={() => setActive(n)}
                  onClick={() => setActive(n)}
                  onChange={(e) => {
                    const v = e.target.value;
                    onChange((x) => ({ ...x, values: { ...x.values, [n]: v } }));
                  }}
                  disabled={it.state === 'saved'}
                />
                {low && <small className="field-error">{t('cards_check')}</small>}
              </label>
            );
          })}
        </div>

        <div className="form-section" data-testid="cards-company-offers">
          <h3>{t('cards_company')}</h3>
          {companyOffers.map((c) => (
            <label key={c.id} className="cards-offer">
              <input
                type="radio"
                name={`company-${it.key}`}
                checked={it.companyId === c.id}
                onChange={() => onChange((x) => ({ ...x, companyId: c.id }))}
                data-testid="cards-company-offer"
              />{' '}
              {t('cards_link_company')}: <b>{c.display_name}</b> <span className="muted small">{offerLine(c)}</span>
            </label>
          ))}
          <label className="cards-offer">
            <input
              type="radio"
              name={`company-${it.key}`}
              checked={it.companyId === null}
              onChange={() => onChange((x) => ({ ...x, companyId: null }))}
              data-testid="cards-company-new"
            />{' '}
            {it.values.company ? t('cards_new_company', { name: it.values.company }) : t('cards_no_company')}
          </label>
        </div>
        <div className="form-section" data-testid="cards-contact-offers">
          <h3>{t('cards_person')}</h3>
          {personOffers.map((c) => (
            <label key={c.id} className="cards-offer">
              <input
                type="radio"
                name={`contact-${it.key}`}
                checked={it.contactId === c.id}
                onChange={() => onChange((x) => ({ ...x, contactId: c.id }))}
                data-testid="cards-contact-offer"
              />{' '}
              {t('cards_same_person')}: <b>{c.display_name}</b>
              {c.company_name && <span className="muted"> ({c.company_name})</span>} <span className="muted small">{offerLine(c)}</span>
            </label>
          ))}
          <label className="cards-offer">
            <input
              type="radio"
              name={`contact-${it.key}`}
              checked={it.contactId === null}
              onChange={() => onChange((x) => ({ ...x, contactId: null }))}
              data-testid="cards-contact-new"
            />{' '}
            {t('cards_new_person')}
          </label>
          <button className="btn btn-sm btn-ghost" onClick={onRecheck} data-testid="cards-recheck">
            {t('cards_recheck')}
          </button>
        </div>
        <div className="form-actions">
          <label className="field">
            <span className="field-label">{t('cards_date')}</span>
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="cards-date" />
          </label>
          <button className="btn btn-primary" onClick={onSave} disabled={saving || it.state === 'saved'} data-testid="cards-save">
            {t('cards_save')}
          </button>
        </div>
      </div>
    </section>
  );
}
