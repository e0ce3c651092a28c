// 印刷 (#22): asks the host for a PDF (顧客カード, 情報報告書, 宛名ラベル) and
// saves it like an export's file: a download in a browser, the exports
// folder beside the database in the desktop app (the webview cannot print
// to PDF itself).

import { useState } from 'react';
import * as api from '../api';
import { useToast } from '../app/data';
import type { HostCommand } from '../bindings/HostCommand';
import type { PrintResult } from '../bindings/PrintResult';
import { describeError } from '../errors';
import { useI18n } from '../i18n';
import { saveFile } from '../transfer';

export type PrintCommand = Extract<HostCommand, { cmd: 'print_company' | 'print_report' | 'print_labels' }>;

/** Makes the PDF and saves it; answers what was made and where it went (null: a download). */
export async function printPdf(cmd: PrintCommand): Promise<{ result: PrintResult; path: string | null }> {
  const a = await api.call(cmd);
  if (a.type !== 'printed' || !a.data.base64) {
    throw { code: 'bad_response', message: `expected printed, got ${a?.type}`, details: [] } satisfies api.ApiError;
  }
  const path = await saveFile({ name: a.data.name, base64: a.data.base64 });
  return { result: a.data, path };
}

export function PrintButton({ cmd, testid, disabled, primary }: { cmd: () => PrintCommand; testid: string; disabled?: boolean; primary?: boolean }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const { result, path } = await printPdf(cmd());
      const done = t('print_done', { name: result.name, n: String(result.pages) });
      toast(path ? `${done}: ${path}` : done);
    } catch (e) {
      toast(describeError(api.toApiError(e), lang), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button className={primary ? 'btn btn-primary' : 'btn'} onClick={() => void run()} disabled={busy || disabled} aria-busy={busy} data-testid={testid} title={t('print_title')}>
      🖨 {busy ? t('print_running') : t('print')}
    </button>
  );
}
