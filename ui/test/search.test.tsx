// Issue 4 in the UI: the Ctrl+K palette over `search`, the duplicate hint,
// the merge dialog's choices, the reading suggestion and its fallback.

import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../src/api';
import { AppDataContext, type AppData } from '../src/app/data';
import type { FieldDef } from '../src/bindings/FieldDef';
import type { KindMeta } from '../src/bindings/KindMeta';
import { CommandPalette, moveActive } from '../src/components/CommandPalette';
import { DuplicateHint, duplicateFields } from '../src/components/DuplicateHint';
import { defaultPick, defaultSurvivor, MergeDialog, mergeChoices, mergeRows } from '../src/components/MergeDialog';
import { ReadingField, resetReadingAvailability } from '../src/components/ReadingSuggest';
import { PrefsContext } from '../src/i18n';
import { toggleSelection } from '../src/screens/Duplicates';
import { useSearchFilter } from '../src/screens/Lists';

vi.mock('../src/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/api')>();
  return {
    ...real,
    searchAll: vi.fn(),
    checkDuplicates: vi.fn(),
    get: vi.fn(),
    merge: vi.fn(),
    suggestReading: vi.fn(),
    searchIds: vi.fn(),
  };
});
const mocked = vi.mocked(api);

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const base = { required: false, unique: false, section: 'basic' };
const FIELDS: FieldDef[] = [
  { ...base, name: 'name', type: 'text', label_ja: '会社名', label_en: 'Company name', required: true },
  { ...base, name: 'name_reading', type: 'reading', label_ja: 'フリガナ', label_en: 'Reading' },
  { ...base, name: 'phone', type: 'phone', label_ja: '電話番号', label_en: 'Phone', section: 'contact' },
  { ...base, name: 'email', type: 'email', label_ja: 'メール', label_en: 'E-mail', section: 'contact' },
  { ...base, name: 'tags', type: 'tags', label_ja: 'タグ', label_en: 'Tags' },
] as FieldDef[];

const meta = (kind: 'company' | 'contact', ja: string, en: string): KindMeta => ({
  kind,
  table: `${kind}s`,
  label_ja: ja,
  label_en: en,
  fields: FIELDS,
  title_fields: ['name'],
  reading_fields: ['name_reading'],
  default_sort: 'sort_key',
  default_desc: false,
  parent_field: null,
});

function wrap(children: ReactNode) {
  const data: AppData = {
    schema: new Map([
      ['company', meta('company', '会社', 'Company')],
      ['contact', meta('contact', '担当者', 'Contact')],
    ]),
    users: [],
    settings: null,
    reloadUsers: async () => {},
    reloadSettings: async () => {},
    revision: 0,
    bump: () => {},
  };
  return (
    <PrefsContext.Provider value={{ lang: 'ja', wareki: false, setPrefs: () => {} }}>
      <AppDataContext.Provider value={data}>{children}</AppDataContext.Provider>
    </PrefsContext.Provider>
  );
}

const HITS: api.SearchHit[] = [
  {
    kind: 'company',
    id: 'c1',
    display_name: '株式会社山田商事',
    code: 'C-0012',
    company_name: null,
    matched: 'reading',
    snippet: { field: 'name_reading', before: '', matched: 'ヤマダ', after: 'ショウジ' },
  },
  { kind: 'contact', id: 'p1', display_name: '山田 太郎', code: null, company_name: '株式会社山田商事', matched: 'reading', snippet: null },
  { kind: 'deal', id: 'd1', display_name: '山田商事 更新', code: null, company_name: '株式会社山田商事', matched: 'content', snippet: null },
];

describe('moveActive', () => {
  it('moves with the arrows, wraps around, and ignores other keys', () => {
    expect(moveActive(0, 'ArrowDown', 3)).toBe(1);
    expect(moveActive(2, 'ArrowDown', 3)).toBe(0);
    expect(moveActive(0, 'ArrowUp', 3)).toBe(2);
    expect(moveActive(1, 'End', 3)).toBe(2);
    expect(moveActive(1, 'PageDown', 3)).toBe(2);
    expect(moveActive(1, 'a', 3)).toBeNull();
    expect(moveActive(0, 'ArrowDown', 0)).toBeNull();
  });
});

describe('the Ctrl+K palette', () => {
  beforeEach(() => {
    window.location.hash = '#/';
  });

  it('shows each hit with its kind, why it matched and the highlighted snippet, and opens the chosen one with Enter', async () => {
    mocked.searchAll.mockResolvedValue(HITS);
    const onClose = vi.fn();
    render(wrap(<CommandPalette onClose={onClose} />));
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'ﾔﾏﾀﾞ' } });
    await waitFor(() => expect(screen.getAllByTestId('palette-hit')).toHaveLength(3));
    expect(mocked.searchAll).toHaveBeenCalledWith('ﾔﾏﾀﾞ');
    const kinds = screen.getAllByTestId('hit-kind').map((b) => b.textContent);
    expect(kinds).toEqual(['会社', '担当者', 'deal']);
    const first = screen.getAllByTestId('palette-hit')[0];
    expect(first.textContent).toContain('[C-0012]');
    expect(first.textContent).toContain('読み');
    expect(first.querySelector('mark')?.textContent).toBe('ヤマダ');
    expect(screen.getAllByTestId('palette-hit')[1].textContent).toContain('株式会社山田商事');

    const input = screen.getByTestId('palette-input');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByTestId('palette-hit')[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(window.location.hash).toBe('#/contact/p1');
    expect(onClose).toHaveBeenCalled();
  });

  it('says so when nothing is found', async () => {
    mocked.searchAll.mockResolvedValue([]);
    render(wrap(<CommandPalette onClose={() => {}} />));
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'zzz' } });
    await screen.findByTestId('palette-none');
    expect(screen.getByTestId('palette-none').textContent).toBe('見つかりませんでした');
  });
});

describe('the duplicate hint', () => {
  it('sends the fields the rules use, leaves out the record being edited, and says which rule fired', async () => {
    mocked.checkDuplicates.mockResolvedValue([
      {
        kind: 'company',
        id: 'c1',
        display_name: '株式会社山田商事',
        rules: ['name_and_prefecture', 'phone'],
        owner_id: 'u1',
        owner_name: '佐藤 花子',
        last_contacted: '2024-05-01T10:00',
        company_name: null,
      },
    ]);
    render(wrap(<DuplicateHint kind="company" values={{ name: '㈱山田商事', phone: '03-1234-5678', prefecture: '東京都', status: 'prospect', tags: [] }} excludeId="c9" delay={0} />));
    await screen.findByTestId('duplicate-hint');
    expect(mocked.checkDuplicates).toHaveBeenCalledWith('company', { name: '㈱山田商事', phone: '03-1234-5678', prefecture: '東京都' }, 'c9');
    const rules = screen.getAllByTestId('duplicate-rule').map((r) => r.textContent);
    expect(rules).toEqual(['社名と都道府県が同じ', '電話番号が同じ']);
    const text = screen.getByTestId('duplicate-candidate').textContent ?? '';
    expect(text).toContain('佐藤 花子');
    expect(text).toContain('2024');
  });

  it('asks nothing for an empty form', () => {
    expect(duplicateFields('contact', { family_name: ' ', email: '', company_id: null })).toEqual({});
    render(wrap(<DuplicateHint kind="contact" values={{ family_name: '' }} delay={0} />));
    expect(mocked.checkDuplicates).not.toHaveBeenCalled();
    expect(screen.queryByTestId('duplicate-hint')).toBeNull();
  });
});

const stored = (id: string, created: number, data: Record<string, unknown>) =>
  ({ id, kind: 'company', version: 1, created_at: created, created_by: null, updated_at: created, updated_by: null, deleted_at: null, deleted_by: null, display_name: String(data.name), sort_key: '', data }) as unknown as api.Stored;

describe('merge choices', () => {
  const a = { name: '株式会社山田商事', name_reading: 'ヤマダショウジ', phone: '03-1234-5678', email: null, tags: [] };
  const b = { name: '㈱山田商事', name_reading: null, phone: '03-1234-5678', email: 'info@yamada.example', tags: ['重要'] };

  it('lists only the fields that differ (blank equals blank)', () => {
    const { differ, same } = mergeRows(FIELDS, a, b);
    expect(differ.map((r) => r.def.name)).toEqual(['name', 'name_reading', 'email', 'tags']);
    expect(same).toBe(1);
  });

  it('keeps the survivor’s value by default, the other one where the survivor has none, and what the user picked', () => {
    const { differ } = mergeRows(FIELDS, a, b);
    expect(differ.map((r) => defaultPick(r, 0))).toEqual([0, 0, 1, 1]);
    expect(mergeChoices(differ, 0, {})).toEqual({ name: 'survivor', name_reading: 'survivor', email: 'loser', tags: 'loser' });
    expect(mergeChoices(differ, 0, { name: 1, email: 0 })).toEqual({ name: 'loser', name_reading: 'survivor', email: 'survivor', tags: 'loser' });
    // Record 1 survives: the same picks, seen from the other side.
    expect(mergeChoices(differ, 1, { name: 1 })).toEqual({ name: 'survivor', name_reading: 'loser', email: 'survivor', tags: 'survivor' });
  });

  it('keeps the record registered first by default', () => {
    expect(defaultSurvivor([stored('x', 200, a), stored('y', 100, b)])).toBe(1);
    expect(defaultSurvivor([stored('x', 100, a), stored('y', 200, b)])).toBe(0);
  });

  it('the dialog shows both records side by side and merges with the values picked', async () => {
    mocked.get.mockImplementation(async (_k, id) => (id === 'x' ? stored('x', 100, a) : stored('y', 200, b)) as never);
    mocked.merge.mockResolvedValue({ survivor_name: '㈱山田商事' } as api.Merge);
    const onMerged = vi.fn();
    render(wrap(<MergeDialog kind="company" ids={['x', 'y']} onClose={() => {}} onMerged={onMerged} />));
    await screen.findByTestId('merge-table');
    expect(screen.getAllByTestId('merge-row').map((r) => r.getAttribute('data-field'))).toEqual(['name', 'name_reading', 'email', 'tags']);
    expect((screen.getByTestId('merge-keep-0') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('merge-pick-email-1') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId('merge-pick-name-1'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('merge-confirm'));
    });
    expect(mocked.merge).toHaveBeenCalledWith('company', 'x', 'y', { name: 'loser', name_reading: 'survivor', email: 'loser', tags: 'loser' });
    expect(onMerged).toHaveBeenCalled();
  });

  it('swapping the survivor merges the other way round', async () => {
    mocked.get.mockImplementation(async (_k, id) => (id === 'x' ? stored('x', 100, a) : stored('y', 200, b)) as never);
    mocked.merge.mockResolvedValue({ survivor_name: 'x' } as api.Merge);
    render(wrap(<MergeDialog kind="company" ids={['x', 'y']} onClose={() => {}} onMerged={() => {}} />));
    await screen.findByTestId('merge-table');
    fireEvent.click(screen.getByTestId('merge-swap'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('merge-confirm'));
    });
    // y survives and keeps its own values; it has no reading, so it takes x's.
    expect(mocked.merge).toHaveBeenCalledWith('company', 'y', 'x', { name: 'survivor', name_reading: 'loser', email: 'survivor', tags: 'survivor' });
  });

  it('shows a refused merge in the dialog', async () => {
    mocked.get.mockImplementation(async (_k, id) => (id === 'x' ? stored('x', 100, a) : stored('y', 200, b)) as never);
    mocked.merge.mockRejectedValue({ code: 'deleted', message: 'in the trash', details: [] });
    const onMerged = vi.fn();
    render(wrap(<MergeDialog kind="company" ids={['x', 'y']} onClose={() => {}} onMerged={onMerged} />));
    await screen.findByTestId('merge-table');
    await act(async () => {
      fireEvent.click(screen.getByTestId('merge-confirm'));
    });
    expect(screen.getByTestId('merge-error').textContent).toContain('ゴミ箱');
    expect(onMerged).not.toHaveBeenCalled();
  });
});

describe('picking records to merge', () => {
  it('keeps at most two, in one group', () => {
    let s = { group: '', ids: [] as string[] };
    s = toggleSelection(s, 'g1', 'a');
    s = toggleSelection(s, 'g1', 'b');
    s = toggleSelection(s, 'g1', 'c');
    expect(s).toEqual({ group: 'g1', ids: ['b', 'c'] });
    s = toggleSelection(s, 'g1', 'b');
    expect(s.ids).toEqual(['c']);
    s = toggleSelection(s, 'g2', 'x');
    expect(s).toEqual({ group: 'g2', ids: ['x'] });
  });
});

describe('the reading suggestion', () => {
  const def = FIELDS[1];
  beforeEach(() => resetReadingAvailability());

  function Harness({ source, initial = '' }: { source: string; initial?: string }) {
    const [v, setV] = useState(initial);
    return wrap(<ReadingField def={def} value={v} onChange={(x) => setV(String(x))} source={source} />);
  }

  it('fills the empty field from the name, and the field stays editable', async () => {
    mocked.suggestReading.mockResolvedValue({ text: '山田商事', reading: 'ヤマダショウジ', complete: true });
    render(<Harness source="株式会社山田商事" />);
    fireEvent.click(screen.getByTestId('suggest-name_reading'));
    await waitFor(() => expect((screen.getByTestId('field-name_reading') as HTMLInputElement).value).toBe('ヤマダショウジ'));
    expect(mocked.suggestReading).toHaveBeenCalledWith('株式会社山田商事');
    expect(screen.queryByTestId('suggest-name_reading')).toBeNull();
    fireEvent.change(screen.getByTestId('field-name_reading'), { target: { value: 'ヤマダ' } });
    expect((screen.getByTestId('field-name_reading') as HTMLInputElement).value).toBe('ヤマダ');
  });

  it('is not offered when the reading is filled in or the name is empty', () => {
    render(<Harness source="山田" initial="ヤマダ" />);
    expect(screen.queryByTestId('suggest-name_reading')).toBeNull();
    cleanup();
    render(<Harness source=" " />);
    expect(screen.queryByTestId('suggest-name_reading')).toBeNull();
  });

  it('warns when some kanji had no reading', async () => {
    mocked.suggestReading.mockResolvedValue({ text: '𠮷野家', reading: '𠮷ノヤ', complete: false });
    render(<Harness source="𠮷野家" />);
    fireEvent.click(screen.getByTestId('suggest-name_reading'));
    expect((await screen.findByTestId('reading-note-name_reading')).textContent).toContain('確認');
  });

  it('without the dictionary, says so and stops offering', async () => {
    mocked.suggestReading.mockRejectedValue({ code: 'reading_unavailable', message: 'no IPADIC', details: [] });
    render(<Harness source="山田" />);
    fireEvent.click(screen.getByTestId('suggest-name_reading'));
    expect((await screen.findByTestId('reading-note-name_reading')).textContent).toBe('読みの辞書がないため提案できません');
    expect(screen.queryByTestId('suggest-name_reading')).toBeNull();
    expect((screen.getByTestId('field-name_reading') as HTMLInputElement).value).toBe('');
    cleanup();
    render(<Harness source="佐藤" />);
    expect(screen.queryByTestId('suggest-name_reading')).toBeNull();
  });
});

describe('the list text box', () => {
  it('becomes an id filter from the search, narrowed to the list’s kind', async () => {
    mocked.searchIds.mockResolvedValue(['c1', 'c2']);
    const { result, rerender } = renderHook(({ q }) => useSearchFilter('company', q), { initialProps: { q: '' } });
    expect(result.current).toEqual({ filter: null, capped: false });
    expect(mocked.searchIds).not.toHaveBeenCalled();
    rerender({ q: ' ﾔﾏﾀﾞ ' });
    await waitFor(() => expect(result.current.filter).toEqual({ field: 'id', op: 'in', value: ['c1', 'c2'] }));
    expect(mocked.searchIds).toHaveBeenCalledWith('company', 'ﾔﾏﾀﾞ');
    expect(result.current.capped).toBe(false);
    rerender({ q: '' });
    expect(result.current.filter).toBeNull();
  });

  it('says when the search returned as many ids as it may', async () => {
    mocked.searchIds.mockResolvedValue(Array.from({ length: api.LIST_SEARCH_LIMIT }, (_, i) => `c${i}`));
    const { result } = renderHook(() => useSearchFilter('contact', '山'));
    await waitFor(() => expect(result.current.capped).toBe(true));
  });

  it('finds nothing rather than everything when the search fails', async () => {
    mocked.searchIds.mockRejectedValue({ code: 'internal', message: 'x', details: [] });
    const { result } = renderHook(() => useSearchFilter('company', 'abc'));
    await waitFor(() => expect(result.current.filter).toEqual({ field: 'id', op: 'in', value: [] }));
  });
});
