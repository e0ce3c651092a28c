// Own and competitor products, a comparison table of scores (criterion ×
// product), strengths and weaknesses, and case studies by industry and size.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as api from '../api';
import type { Filter } from '../bindings/Filter';
import { useMeta } from '../app/data';
import { navigate, useNewShortcut, useRoute } from '../app/router';
import { useRecords } from '../components/ChildTable';
import { RecordDialog } from '../components/RecordDialog';
import { RefLink } from '../components/RecordView';
import { formatNumber, formatYen } from '../format';
import { useI18n, type DictKey } from '../i18n';
import { Tabs } from './CompanyPage';
import { useDebounced } from './Lists';

const TABS: [string, DictKey][] = [
  ['own', 'products_own'],
  ['competitor', 'products_competitor'],
  ['comparison', 'comparison'],
  ['cases', 'case_studies'],
];

/** Scores on a 1–5 or 1–10 scale, brought to 0–1 for colouring and totals. */
export function normalizedScore(score: number, scale: string): number {
  const max = scale === '5' ? 5 : 10;
  return Math.max(0, Math.min(1, (score - 1) / (max - 1)));
}

export function ProductsScreen({ tab }: { tab: string }) {
  const { t } = useI18n();
  const products = useRecords('product', []);
  const [editing, setEditing] = useState<api.StoredOf<'product'> | 'new' | null>(null);
  const route = useRoute();
  const handledOpen = useRef<string | null>(null);
  useEffect(() => {
    const open = route.params.get('open');
    if (open && products.rows && handledOpen.current !== open) {
      const p = products.rows.find((x) => x.id === open);
      if (p) {
        handledOpen.current = open;
        setEditing(p);
      }
    }
  }, [route.params, products.rows]);
  const [adding, setAdding] = useState<'product_score' | 'case_study' | null>(null);
  useNewShortcut(
    useCallback(() => {
      if (tab === 'comparison') setAdding('product_score');
      else if (tab === 'cases') setAdding('case_study');
      else setEditing('new');
    }, [tab]),
  );
  const setTab = (k: string) => navigate('products', undefined, { tab: k === 'own' ? undefined : k });
  const own = (products.rows ?? []).filter((p) => p.data.side === 'own');
  const comp = (products.rows ?? []).filter((p) => p.data.side === 'competitor');
  const productChoices = [...own, ...comp].map((p) => ({ id: p.id, label: `${p.display_name}${p.data.maker ? `(${p.data.maker})` : ''}` }));
  return (
    <div className="page" data-testid="screen-products">
      <div className="page-head">
        <h1>{t('nav_products')}</h1>
        <div className="head-tools">
          {tab === 'comparison' ? (
            <button className="btn btn-primary" onClick={() => setAdding('product_score')} data-testid="add-score">
              + {t('add_score')}
            </button>
          ) : tab === 'cases' ? (
            <button className="btn btn-primary" onClick={() => setAdding('case_study')} data-testid="add-case">
              + {t('add_case')}
            </button>
          ) : (
            <button className="btn btn-primary" onClick={() => setEditing('new')} data-testid="add-product" title={t('shortcut_new_title')} aria-keyshortcuts="Control+N">
              + {t('add_product')}
            </button>
          )}
        </div>
      </div>
      <Tabs tabs={TABS} current={tab} onChange={setTab} counts={{ own: own.length, competitor: comp.length }} />
      <div className="tab-body">
        {(tab === 'own' || tab === 'competitor') && <ProductCards items={tab === 'own' ? own : comp} all={products.rows ?? []} onOpen={setEditing} />}
        {tab === 'comparison' && <Comparison products={[...own, ...comp]} productChoices={productChoices} />}
        {tab === 'cases' && <CaseStudies productChoices={productChoices} />}
      </div>
      {editing && (
        <RecordDialog
          kind="product"
          stored={editing === 'new' ? null : editing}
          initial={editing === 'new' ? { side: tab === 'competitor' ? 'competitor' : 'own' } : undefined}
          // 競合する自社商品: one of our products, chosen from the list of them.
          choices={{ competes_with_id: own.filter((p) => editing === 'new' || p.id !== editing.id).map((p) => ({ id: p.id, label: p.display_name })) }}
          onClose={() => setEditing(null)}
        />
      )}
      {adding && (
        <RecordDialog kind={adding} onClose={() => setAdding(null)} choices={{ product_id: productChoices }} initial={adding === 'product_score' ? { scale: '5' } : undefined} />
      )}
    </div>
  );
}

function ProductCards({ items, all, onOpen }: { items: api.StoredOf<'product'>[]; all: api.StoredOf<'product'>[]; onOpen: (p: api.StoredOf<'product'>) => void }) {
  const { t, lang } = useI18n();
  if (items.length === 0) return <p className="empty">{t('none')}</p>;
  return (
    <div className="product-grid">
      {items.map((p) => {
        const d = p.data;
        const rival = d.competes_with_id ? all.find((x) => x.id === d.competes_with_id) : null;
        return (
          <article key={p.id} className="card product-card clickable" onClick={() => onOpen(p)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && onOpen(p)} data-testid="product-card">
            <header>
              <h3>{p.display_name}</h3>
              <span className={`badge badge-${d.side}`}>{d.maker || '—'}</span>
            </header>
            <div className="product-meta muted small">
              {d.category && <span>{d.category}</span>}
              {d.price != null && (
                <span>
                  {formatYen(d.price, lang)}
                  {d.unit ? ` / ${d.unit}` : ''}
                </span>
              )}
              {rival && <span>⚔ {rival.display_name}</span>}
            </div>
            {d.description && <p className="product-desc">{d.description}</p>}
            <div className="sw">
              <div className="sw-strong">
                <h4>{t('strengths')}</h4>
                <p>{d.strengths || '—'}</p>
              </div>
              <div className="sw-weak">
                <h4>{t('weaknesses')}</h4>
                <p>{d.weaknesses || '—'}</p>
              </div>
            </div>
          </article>
        );
      })}
    </div>
  );
}

function Comparison({ products, productChoices }: { products: api.StoredOf<'product'>[]; productChoices: { id: string; label: string }[] }) {
  const { t, lang } = useI18n();
  const scores = useRecords('product_score', [], { sort: 'criterion' });
  const [editing, setEditing] = useState<api.StoredOf<'product_score'> | { product_id: string; criterion: string } | null>(null);
  const [category, setCategory] = useState('');
  const categories = [...new Set(products.map((p) => p.data.category).filter((c): c is string => !!c))];
  const shown = products.filter((p) => !category || p.data.category === category);
  const criteria = useMemo(() => [...new Set((scores.rows ?? []).map((s) => s.data.criterion))], [scores.rows]);
  const cell = (pid: string, c: string) => scores.rows?.find((s) => s.data.product_id === pid && s.data.criterion === c);
  const totalOf = (pid: string) => {
    const mine = (scores.rows ?? []).filter((s) => s.data.product_id === pid);
    if (!mine.length) return null;
    return Math.round((mine.reduce((a, s) => a + normalizedScore(s.data.score, s.data.scale), 0) / mine.length) * 100);
  };
  return (
    <div className="card">
      {categories.length > 1 && (
        <div className="filters">
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">
              {lang === 'ja' ? 'カテゴリ' : 'Category'}: {t('all')}
            </option>
            {categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
      )}
      {criteria.length === 0 ? (
        <p className="empty">{t('none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table comparison" data-testid="comparison-table">
            <thead>
              <tr>
                <th>{t('criterion')}</th>
                {shown.map((p) => (
                  <th key={p.id} className={`center side-${p.data.side}`}>
                    {p.display_name}
                    <div className="muted small">{p.data.maker}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {criteria.map((c) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  {shown.map((p) => {
                    const s = cell(p.id, c);
                    const n = s ? normalizedScore(s.data.score, s.data.scale) : null;
                    return (
                      <td
                        key={p.id}
                        className="center score-cell clickable"
                        style={n != null ? { background: `hsla(${Math.round(n * 120)}, 65%, 50%, 0.18)` } : undefined}
                        onClick={() => setEditing(s ?? { product_id: p.id, criterion: c })}
                        title={s?.data.notes ?? ''}
                        data-testid="score-cell"
                      >
                        {s ? (
                          <>
                            <strong>{s.data.score}</strong>
                            <small className="muted">/{s.data.scale}</small>
                          </>
                        ) : (
                          <span className="muted">+</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
              <tr className="total-row">
                <th scope="row">{lang === 'ja' ? '総合(100点換算)' : 'Overall (of 100)'}</th>
                {shown.map((p) => (
                  <td key={p.id} className="center">
                    <strong>{totalOf(p.id) ?? '—'}</strong>
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <RecordDialog
          kind="product_score"
          stored={'id' in editing ? editing : null}
          initial={'id' in editing ? undefined : { ...editing, scale: '5' }}
          choices={{ product_id: productChoices }}
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}

function CaseStudies({ productChoices }: { productChoices: { id: string; label: string }[] }) {
  const { t, lang, enumLabel } = useI18n();
  const meta = useMeta('case_study');
  const [industry, setIndustry] = useState('');
  const [size, setSize] = useState('');
  const di = useDebounced(industry);
  const filters = useMemo(() => {
    const f: Filter[] = [];
    if (di.trim()) f.push({ field: 'industry', op: 'contains', value: di.trim() });
    if (size) f.push({ field: 'company_size', op: 'eq', value: size });
    return f;
  }, [di, size]);
  const cases = useRecords('case_study', filters);
  const [editing, setEditing] = useState<api.StoredOf<'case_study'> | null>(null);
  const sizeDef = meta?.fields.find((f) => f.name === 'company_size');
  return (
    <div>
      <div className="filters">
        <input value={industry} onChange={(e) => setIndustry(e.target.value)} placeholder={t('industry')} data-testid="case-industry" />
        <select value={size} onChange={(e) => setSize(e.target.value)} data-testid="case-size" aria-label={t('size')}>
          <option value="">
            {t('size')}: {t('all')}
          </option>
          {sizeDef?.type === 'enum' &&
            sizeDef.values.map((v) => (
              <option key={v} value={v}>
                {enumLabel(v)}
              </option>
            ))}
        </select>
        <span className="muted small">{t('rows', { n: formatNumber(cases.rows?.length ?? 0, lang) })}</span>
      </div>
      {(cases.rows ?? []).length === 0 ? (
        <p className="empty">{t('none')}</p>
      ) : (
        <div className="case-grid">
          {cases.rows!.map((c) => (
            <article key={c.id} className="card case-card clickable" onClick={() => setEditing(c)} data-testid="case-card">
              <h3>{c.display_name}</h3>
              <div className="muted small case-meta">
                {c.data.product_id && (
                  <span onClick={(e) => e.stopPropagation()}>
                    📦 <RefLink kind="product" id={c.data.product_id} />
                  </span>
                )}
                <span>🏢 {c.data.company_id ? <RefLink kind="company" id={c.data.company_id} /> : c.data.customer_name}</span>
                {c.data.industry && <span className="chip chip-sm">{c.data.industry}</span>}
                {c.data.company_size && <span className="chip chip-sm">{enumLabel(c.data.company_size)}</span>}
              </div>
              <div className="before-after">
                <div>
                  <h4>{t('before')}</h4>
                  <p>{c.data.before || '—'}</p>
                </div>
                <span className="arrow" aria-hidden>
                  →
                </span>
                <div>
                  <h4>{t('after')}</h4>
                  <p>{c.data.after || '—'}</p>
                </div>
              </div>
            </article>
          ))}
        </div>
      )}
      {editing && <RecordDialog kind="case_study" stored={editing} choices={{ product_id: productChoices }} onClose={() => setEditing(null)} />}
    </div>
  );
}
