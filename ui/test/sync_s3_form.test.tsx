// Issue 23: the 同期 screen sets up S3-compatible storage — the choice of
// folder or bucket, the bucket's fields, 「接続をテスト」 and field-level errors.

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncProvider } from '../src/app/sync';
import type { SyncStatus } from '../src/bindings/SyncStatus';
import { SyncScreen } from '../src/screens/Sync';

const base: SyncStatus = {
  device_id: 'dev1',
  device_name: '営業部 田中PC',
  last_sync_at: null,
  last_report: null,
  pending_changes: 0,
  open_conflicts: 0,
  orphans: 0,
  devices: [],
  unreadable_files: [],
  setup: null,
  last_error: null,
  running: false,
  passphrase_in_file: false,
};

let sent: Array<Record<string, unknown>>;
let current: SyncStatus;

beforeEach(() => {
  sent = [];
  current = base;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: { body: string }) => {
      const cmd = JSON.parse(init.body) as Record<string, unknown> & { cmd: string; s3?: Record<string, string> };
      sent.push(cmd);
      let body: unknown = { type: 'sync_status', data: current };
      if (cmd.cmd === 'sync_conflicts') body = { type: 'sync_conflicts', data: [] };
      if (cmd.cmd === 'sync_test') {
        if (!cmd.s3?.bucket) return new Response(JSON.stringify({ code: 'required', field: 'bucket', message: 'enter the bucket', details: [] }), { status: 400 });
        if (cmd.s3.bucket !== 'daifuku-osaka') return new Response(JSON.stringify({ code: 'sync_s3_bucket_missing', message: 'no bucket', details: [] }), { status: 400 });
        body = { type: 'sync_tested', data: 3 };
      }
      if (cmd.cmd === 'sync_configure') {
        const s3 = cmd.s3!;
        current = { ...base, setup: { folder: `s3://${s3.bucket}/${s3.prefix}`, encrypted: false, s3: { endpoint: s3.endpoint, bucket: s3.bucket, prefix: s3.prefix, region: s3.region, has_secret: true } } };
        body = { type: 'sync_status', data: current };
      }
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const renderSyncScreen = () =>
  render(
    <SyncProvider>
      <SyncScreen />
    </SyncProvider>,
  );
const flush = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))));
const type = (testid: string, value: string) => fireEvent.change(screen.getByTestId(testid), { target: { value } });

describe('S3-compatible storage on the sync screen', () => {
  it('tests the connection, shows errors on their field and in words, and saves the bucket', async () => {
    renderSyncScreen();
    await flush();
    expect(screen.queryByTestId('sync-s3-bucket')).toBeNull();
    fireEvent.click(screen.getByTestId('sync-kind-s3'));
    expect(screen.queryByTestId('sync-folder')).toBeNull();
    expect(screen.getByText('S3互換ストレージ')).toBeTruthy();

    fireEvent.click(screen.getByTestId('sync-test'));
    await flush();
    expect(screen.getByTestId('error-bucket').textContent).toBe('必須項目です');

    type('sync-s3-endpoint', 'https://s3.ap-northeast-1.wasabisys.com');
    type('sync-s3-bucket', 'daifuku-osak');
    type('sync-s3-prefix', 'osaka');
    type('sync-s3-access-key-id', 'AKIAEXAMPLE');
    type('sync-s3-secret', 'himitsu-no-kagi');
    type('sync-s3-region', 'ap-northeast-1');
    fireEvent.click(screen.getByTestId('sync-test'));
    await flush();
    expect(screen.getByTestId('sync-test-result').textContent).toBe('バケットが見つかりません。バケット名とエンドポイント、リージョンを確認してください。');

    type('sync-s3-bucket', 'daifuku-osaka');
    fireEvent.click(screen.getByTestId('sync-test'));
    await flush();
    expect(screen.getByTestId('sync-test-result').textContent).toBe('接続できました(ファイル 3 件)。');
    expect(sent.filter((c) => c.cmd === 'sync_test').at(-1)).toEqual({
      cmd: 'sync_test',
      folder: '',
      s3: { endpoint: 'https://s3.ap-northeast-1.wasabisys.com', bucket: 'daifuku-osaka', prefix: 'osaka', region: 'ap-northeast-1', access_key_id: 'AKIAEXAMPLE', secret_access_key: 'himitsu-no-kagi' },
    });

    fireEvent.click(screen.getByTestId('sync-save'));
    await flush();
    const saved = sent.find((c) => c.cmd === 'sync_configure')!;
    expect(saved.s3).toEqual({ endpoint: 'https://s3.ap-northeast-1.wasabisys.com', bucket: 'daifuku-osaka', prefix: 'osaka', region: 'ap-northeast-1', access_key_id: 'AKIAEXAMPLE', secret_access_key: 'himitsu-no-kagi' });
    // The saved secret is not kept in the form: the field is empty and says it is saved.
    const secret = screen.getByTestId('sync-s3-secret') as HTMLInputElement;
    expect(secret.value).toBe('');
    expect(secret.placeholder).toBe('保存済み(変えるときだけ入力)');
  });
});

describe('the sync passphrase on a computer without a keychain (issue 18)', () => {
  it('says the passphrase is in the database file and points to encryption, only when the host says so', async () => {
    current = { ...base, setup: { folder: '/mnt/share/daifuku', encrypted: true }, passphrase_in_file: true };
    renderSyncScreen();
    await flush();
    const warning = screen.getByTestId('sync-passphrase-in-file');
    expect(warning.textContent).toContain('データベースのファイルにそのまま保存されています');
    expect(warning.querySelector('a')?.getAttribute('href')).toBe('#/settings');
    expect(warning.querySelector('a')?.textContent).toBe('暗号化とロック');
    cleanup();

    current = { ...base, setup: { folder: '/mnt/share/daifuku', encrypted: true }, passphrase_in_file: false };
    renderSyncScreen();
    await flush();
    expect(screen.getByTestId('sync-status')).toBeTruthy();
    expect(screen.queryByTestId('sync-passphrase-in-file')).toBeNull();
  });
});
