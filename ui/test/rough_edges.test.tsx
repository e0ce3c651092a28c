// Issue 23, item 4 in the UI: the Activities text box over the search index,
// the not-found page, the shortcut list, the search box's words, and the
// About screen's support text.

import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { activitySearchIds, ACTIVITY_SEARCH_OWNERS } from '../src/activitySearch';
import * as api from '../src/api';
import { RecordGate } from '../src/app/App';
import type { AppInfo } from '../src/bindings/AppInfo';
import { isHelpKey, SHORTCUTS, ShortcutsDialog } from '../src/components/Shortcuts';
import { PrefsContext, translate, type Lang } from '../src/i18n';
import { formatBytes, supportText } from '../src/screens/About';
import { NotFound } from '../src/screens/NotFound';

vi.mock('../src/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/api')>();
  return { ...real, search: vi.fn(), list: vi.fn(), timeline: vi.fn(), get: vi.fn() };
});
const mocked = vi.mocked(api);

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

function inLang(lang: Lang, children: ReactNode) {
  return <PrefsContext.Provider value={{ lang, wareki: false, setPrefs: () => {} }}>{children}</PrefsContext.Provider>;
}

const hit = (kind: api.Kind, id: string): api.SearchHit => ({ kind, id, display_name: id, code: null, company_name: null, matched: 'name', snippet: null });
const stored = (id: string) => ({ kind: 'activity', id, data: {} }) as unknown as api.StoredOf<'activity'>;

describe('the Activities text box', () => {
  it('finds activities by their own text and through the companies and contacts the search finds', async () => {
    mocked.search.mockImplementation(async (_q, opts) => (opts?.kinds?.includes('activity') ? [hit('activity', 'a-content')] : [hit('company', 'c1'), hit('contact', 'p1')]));
    mocked.list.mockResolvedValue({ items: [stored('a-company'), stored('a-content')], total: null, offset: 0, limit: 200 } as never);
    mocked.timeline.mockResolvedValue([
      { kind: 'activity', id: 'a-contact', at: '2026-04-01', title: '', subtype: 'meeting', summary: null },
      { kind: 'card_exchange', id: 'x1', at: '2026-04-01', title: '', subtype: null, summary: null },
    ]);
    const r = await activitySearchIds(' 見積 ');
    expect(r.ids.sort()).toEqual(['a-company', 'a-contact', 'a-content']);
    expect(r.capped).toBe(false);
    expect(mocked.search).toHaveBeenCalledWith('見積', { limit: api.LIST_SEARCH_LIMIT, kinds: ['activity'] });
    expect(mocked.search).toHaveBeenCalledWith('見積', { limit: ACTIVITY_SEARCH_OWNERS + 1, kinds: ['company', 'contact'] });
    expect(mocked.list).toHaveBeenCalledWith('activity', expect.objectContaining({ filters: [{ field: 'company_id', op: 'in', value: ['c1'] }] }));
    expect(mocked.timeline).toHaveBeenCalledWith({ kind: 'contact', id: 'p1' }, 0, api.LIST_SEARCH_LIMIT);
  });

  it('asks nothing for an empty box, and says when a source was cut at its limit', async () => {
    expect(await activitySearchIds('  ')).toEqual({ ids: [], capped: false });
    expect(mocked.search).not.toHaveBeenCalled();
    mocked.search.mockImplementation(async (_q, opts) => (opts?.kinds?.includes('activity') ? [] : Array.from({ length: ACTIVITY_SEARCH_OWNERS + 1 }, (_, i) => hit('company', `c${i}`))));
    mocked.list.mockResolvedValue({ items: [stored('a1')], total: null, offset: 0, limit: 200 } as never);
    const r = await activitySearchIds('山田');
    expect(r).toEqual({ ids: ['a1'], capped: true });
    // Only the best companies are looked up.
    const companies = (mocked.list.mock.calls[0][1]?.filters?.[0]?.value ?? []) as string[];
    expect(companies).toHaveLength(ACTIVITY_SEARCH_OWNERS);
    expect(mocked.timeline).not.toHaveBeenCalled();
  });
});

describe('the not-found page', () => {
  it('speaks Japanese with a way back to ホーム, and English in the English UI', () => {
    render(inLang('ja', <NotFound />));
    expect(screen.getByRole('heading').textContent).toBe('ページが見つかりません');
    expect(screen.getByTestId('not-found-home').textContent).toContain('ホーム');
    expect(screen.getByTestId('not-found-home').getAttribute('href')).toBe('#/');
    expect(screen.queryByTestId('not-found-trash')).toBeNull();
    cleanup();
    render(inLang('en', <NotFound record />));
    expect(screen.getByRole('heading').textContent).toBe('Page not found');
    expect(screen.getByTestId('not-found').textContent).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(screen.getByTestId('not-found-trash').getAttribute('href')).toBe('#/trash');
  });

  it('replaces a record page whose record does not exist, and shows the page otherwise', async () => {
    mocked.get.mockRejectedValueOnce({ code: 'not_found', message: 'company x does not exist', details: [] });
    render(inLang('ja', <RecordGate kind="company" id="x"><p data-testid="page">page</p></RecordGate>));
    await screen.findByTestId('not-found');
    expect(screen.getByTestId('not-found').dataset.record).toBe('true');
    expect(screen.queryByTestId('page')).toBeNull();
    cleanup();
    mocked.get.mockResolvedValueOnce({ kind: 'company', id: 'y' } as never);
    render(inLang('ja', <RecordGate kind="company" id="y"><p data-testid="page">page</p></RecordGate>));
    await screen.findByTestId('page');
    expect(mocked.get).toHaveBeenLastCalledWith('company', 'y');
  });
});

describe('the search box says what it searches', () => {
  it('names exactly the kinds of the core’s SEARCH_KINDS, in both languages', () => {
    const keys = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../crates/daifuku-core/src/keys.rs'), 'utf8');
    const m = /pub const SEARCH_KINDS: &\[Kind\] = &\[([^\]]*)\]/.exec(keys);
    expect(m).not.toBeNull();
    const kinds = m![1].split(',').map((s) => s.trim().replace('Kind::', '')).filter(Boolean);
    const words: Record<string, [string, RegExp]> = {
      Company: ['会社', /compan/i],
      Contact: ['担当者', /contact/i],
      Deal: ['案件', /deal/i],
      Product: ['商品', /product/i],
      Activity: ['活動', /activit/i],
      Task: ['タスク', /task/i],
      Purchase: ['契約', /contract/i],
      CaseStudy: ['導入事例', /case stud/i],
    };
    expect(kinds.sort()).toEqual(Object.keys(words).sort());
    for (const key of ['search_placeholder', 'search_everything'] as const) {
      const ja = translate('ja', key);
      const en = translate('en', key);
      for (const k of kinds) {
        expect(ja).toContain(words[k][0]);
        expect(en).toMatch(words[k][1]);
      }
      expect(ja.split('・')).toHaveLength(kinds.length);
    }
  });
});

describe('the shortcut list', () => {
  it('opens with ? but not while typing ? into a text box or with Ctrl', () => {
    const input = document.createElement('input');
    const div = document.createElement('div');
    expect(isHelpKey({ key: '?', ctrlKey: false, metaKey: false, altKey: false, target: div })).toBe(true);
    expect(isHelpKey({ key: '?', ctrlKey: false, metaKey: false, altKey: false, target: input })).toBe(false);
    expect(isHelpKey({ key: '?', ctrlKey: true, metaKey: false, altKey: false, target: div })).toBe(false);
    expect(isHelpKey({ key: '/', ctrlKey: false, metaKey: false, altKey: false, target: div })).toBe(false);
  });

  it('lists every shortcut the app answers, in Japanese and in English', () => {
    const listed = SHORTCUTS.flatMap((g) => g.items.flatMap((s) => s.keys.map((k) => k.join('+'))));
    for (const k of ['Ctrl+K', 'Ctrl+N', '?', 'Esc', 'Enter', '↑', 'PageDown', 'Home', 'End', '←', '→', 'Backspace', 'Shift+Tab']) expect(listed).toContain(k);
    const rows = SHORTCUTS.reduce((n, g) => n + g.items.length, 0);
    render(inLang('ja', <ShortcutsDialog onClose={() => {}} />));
    expect(screen.getAllByTestId('shortcut')).toHaveLength(rows);
    expect(screen.getByRole('dialog').textContent).toContain('キーボードショートカット');
    expect(screen.getAllByTestId('shortcut')[1].textContent).toContain('新規作成');
    cleanup();
    render(inLang('en', <ShortcutsDialog onClose={() => {}} />));
    const text = screen.getByRole('dialog').textContent ?? '';
    expect(text).toContain('Keyboard shortcuts');
    expect(text).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    const onClose = vi.fn();
    cleanup();
    render(inLang('en', <ShortcutsDialog onClose={onClose} />));
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});

describe('the About screen’s support text', () => {
  const info: AppInfo = {
    version: '0.1.0',
    schema_version: 14,
    database_path: '/home/yamada/daifuku/crm.db',
    database_bytes: 5 * 1024 * 1024 + 300 * 1024,
    counts: [
      { kind: 'company', count: 1234 },
      { kind: 'contact', count: 0 },
      { kind: 'activity', count: 7 },
    ],
  };
  const names: Record<string, [string, string]> = { company: ['会社', 'Companies'], activity: ['活動', 'Activities'], contact: ['担当者', 'Contacts'] };

  it('holds the version, OS, size and counts, and never the database path', () => {
    const ja = supportText(info, 'Win32 / Mozilla/5.0 (Windows NT 10.0)', 'ja', (k) => names[k][0]);
    expect(ja).toContain('バージョン: 0.1.0');
    expect(ja).toContain('Win32');
    expect(ja).toContain('5.3 MB');
    expect(ja).toContain('会社 1,234');
    expect(ja).toContain('活動 7');
    expect(ja).not.toContain('担当者');
    expect(ja).not.toContain('yamada');
    expect(ja).toContain('ログ: 標準エラー出力');
    const en = supportText(info, 'MacIntel / Mozilla/5.0', 'en', (k) => names[k][1]);
    expect(en).toContain('Version: 0.1.0');
    expect(en).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(formatBytes(512, 'en')).toBe('512 bytes');
    expect(formatBytes(1, 'en')).toBe('1 byte');
    expect(formatBytes(512, 'ja')).toBe('512 バイト');
    expect(formatBytes(2048, 'ja')).toMatch(/^2\s?kB$/i);
    expect(formatBytes(3 * 1024 ** 3, 'en')).toMatch(/^3\s?GB$/);
  });
});
