// A background import that finishes counts as a write for folder sync: the
// write listeners run once per finished job, never for a dry run.

import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from '../src/api';
import { importProgress } from '../src/transfer';

function status(id: string, state: string, dry_run: boolean) {
  return {
    type: 'import_job',
    data: { id, state, phase: 'write', done: 10, total: 10, cancel_requested: false, dry_run, report: null, preview: null, error: null },
  };
}

function serve(body: unknown) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status: 200 })));
}

afterEach(() => vi.unstubAllGlobals());

describe('import progress and folder sync', () => {
  it('announces a finished import once, and neither a running one nor a dry run', async () => {
    const seen = vi.fn();
    const off = api.onWrite(seen);
    serve(status('j1', 'running', false));
    await importProgress('j1');
    expect(seen).not.toHaveBeenCalled();
    serve(status('j1', 'done', false));
    await importProgress('j1');
    await importProgress('j1');
    expect(seen).toHaveBeenCalledTimes(1);
    serve(status('j2', 'done', true));
    await importProgress('j2');
    expect(seen).toHaveBeenCalledTimes(1);
    off();
  });
});
