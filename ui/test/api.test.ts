import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../src/api';

function mockFetch(status: number, body: unknown) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fn);
  return fn;
}

describe('token handling', () => {
  beforeEach(() => sessionStorage.clear());

  it('takes the token from the fragment, keeps it and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/#token=s3cr%2Ft');
    api.captureToken();
    expect(api.token()).toBe('s3cr/t');
    expect(window.location.hash).toBe('#/');
    expect(window.location.href).not.toContain('s3cr');
  });

  it('leaves an ordinary route alone', () => {
    window.history.replaceState(null, '', '/#/companies');
    api.captureToken();
    expect(api.token()).toBeNull();
    expect(window.location.hash).toBe('#/companies');
  });
});

describe('call over HTTP', () => {
  beforeEach(() => {
    sessionStorage.clear();
    sessionStorage.setItem('daifuku.token', 'tok123');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('POSTs the command to /api with the bearer token and returns the response', async () => {
    const fetch = mockFetch(200, { type: 'settings', data: { device_id: 'd1', current_user_id: null, schema_version: 3 } });
    const s = await api.settings();
    expect(s.device_id).toBe('d1');
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api');
    expect(init?.method).toBe('POST');
    const headers = init?.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok123');
    expect(headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(init?.body))).toEqual({ cmd: 'get_settings' });
  });

  it('throws the ApiError the bridge answers with', async () => {
    const err = { code: 'invalid_email', field: 'email', message: 'E-mail: "abc" is not an e-mail address', details: [{ code: 'invalid_email', field: 'email', message: 'x' }] };
    mockFetch(400, err);
    await expect(api.create('company', { name: 'A', email: 'abc' })).rejects.toEqual(err);
  });

  it('turns a non-JSON failure into an ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 401 })));
    await expect(api.home()).rejects.toMatchObject({ code: 'unauthorized', details: [] });
  });

  it('turns a network failure into an ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(api.home()).rejects.toMatchObject({ code: 'network', message: 'Failed to fetch' });
  });

  it('rejects a response of the wrong type', async () => {
    mockFetch(200, { type: 'home', data: {} });
    await expect(api.settings()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('list fills in the query defaults', async () => {
    const fetch = mockFetch(200, { type: 'page', data: { items: [], total: 0, offset: 0, limit: 50 } });
    await api.list('company', { q: '山田', limit: 10 });
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({ cmd: 'list', kind: 'company', query: { filters: [], no_total: false, q: '山田', limit: 10 } });
  });

  it('patch sends only the fields and the version', async () => {
    const fetch = mockFetch(200, { type: 'record', data: { id: 't1', kind: 'task', data: {} } });
    await api.patch('task', 't1', { done: true, done_on: '2024-05-01' }, 4);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({ cmd: 'patch', kind: 'task', id: 't1', version: 4, fields: { done: true, done_on: '2024-05-01' } });
  });

  it('searchAll sends one search command and returns its ranked hits', async () => {
    const hits = [
      { kind: 'company', id: 'c1', display_name: '山田商事株式会社', code: 'C-1', company_name: null, matched: 'reading', snippet: { field: 'name_reading', before: '', matched: 'ヤマダ', after: 'ショウジ' } },
      { kind: 'contact', id: 'p1', display_name: '山田 太郎', code: null, company_name: '山田商事株式会社', matched: 'reading', snippet: null },
    ];
    const fetch = mockFetch(200, { type: 'search', data: hits });
    expect(await api.searchAll('ﾔﾏﾀﾞ')).toEqual(hits);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({ cmd: 'search', q: 'ﾔﾏﾀﾞ', limit: 12 });
    expect(await api.searchAll('  ')).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('searchIds narrows the search to one kind and keeps only its ids', async () => {
    const fetch = mockFetch(200, {
      type: 'search',
      data: [
        { kind: 'company', id: 'c1', display_name: 'A', code: null, company_name: null, matched: 'phone', snippet: null },
        { kind: 'contact', id: 'p1', display_name: 'B', code: null, company_name: null, matched: 'phone', snippet: null },
      ],
    });
    expect(await api.searchIds('company', '(03)1234-5678')).toEqual(['c1']);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({ cmd: 'search', q: '(03)1234-5678', limit: 200, kinds: ['company'] });
  });

  it('checkDuplicates names the record being edited', async () => {
    const fetch = mockFetch(200, { type: 'duplicate_candidates', data: [] });
    await api.checkDuplicates('company', { name: '㈱山田商事', phone: '03-1234-5678' }, 'c9');
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({ cmd: 'check_duplicates', kind: 'company', fields: { name: '㈱山田商事', phone: '03-1234-5678' }, exclude_id: 'c9' });
  });
});

describe('toApiError', () => {
  it('keeps an ApiError and fills details', () => {
    expect(api.toApiError({ code: 'stale', message: 'm' })).toEqual({ code: 'stale', message: 'm', details: [] });
  });
  it('parses a JSON string (Tauri rejects with strings)', () => {
    expect(api.toApiError('{"code":"not_found","message":"gone","details":[]}')).toMatchObject({ code: 'not_found' });
  });
});
