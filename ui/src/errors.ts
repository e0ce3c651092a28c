// Error codes from the core → messages the user reads. The UI switches on
// `code`, never on the English `message`, which is only the fallback.

import type { ApiError } from './bindings/ApiError';
import type { Lang } from './i18n';

const MESSAGES: Record<string, { ja: string; en: string }> = {
  required: { ja: '必須項目です', en: 'This field is required' },
  invalid_email: { ja: 'メールアドレスの形式が正しくありません', en: 'Not a valid e-mail address' },
  invalid_corporate_number: {
    ja: '法人番号が正しくありません(13桁・チェックデジットを確認してください)',
    en: 'Not a valid corporate number (13 digits with a check digit)',
  },
  invalid_postal_code: { ja: '郵便番号は7桁で入力してください(例: 123-4567)', en: 'Enter a 7-digit postal code (e.g. 123-4567)' },
  invalid_phone: { ja: '電話番号の形式が正しくありません', en: 'Not a valid phone number' },
  invalid_url: { ja: 'URLの形式が正しくありません', en: 'Not a valid web address' },
  invalid_date: { ja: '日付の形式が正しくありません(例: 2024/04/01)', en: 'Not a valid date (e.g. 2024-04-01)' },
  invalid_datetime: { ja: '日時の形式が正しくありません', en: 'Not a valid date and time' },
  invalid_number: { ja: '数値で入力してください', en: 'Enter a number' },
  invalid_choice: { ja: '選択肢から選んでください', en: 'Choose one of the options' },
  invalid_prefecture: { ja: '都道府県名が正しくありません', en: 'Not a prefecture' },
  invalid_bool: { ja: 'はい・いいえで指定してください', en: 'Yes or no' },
  invalid_list: { ja: '一覧の形式が正しくありません', en: 'Not a valid list' },
  invalid_json: { ja: 'データの形式が正しくありません', en: 'Not valid structured data' },
  invalid_type: { ja: '入力の種類が正しくありません', en: 'Wrong kind of value' },
  out_of_range: { ja: '範囲外の値です', en: 'The value is out of range' },
  negative_amount: { ja: '金額にマイナスは使えません', en: 'An amount cannot be negative' },
  duplicate_value: { ja: 'すでに登録されている値です', en: 'This value is already in use' },
  date_order: { ja: '日付の前後関係が正しくありません', en: 'The dates are in the wrong order' },
  inconsistent: { ja: 'ほかの項目と矛盾しています', en: 'Inconsistent with another field' },
  self_reference: { ja: '自分自身は指定できません', en: 'A record cannot refer to itself' },
  unknown_reference: { ja: '参照先が見つかりません', en: 'The referenced record does not exist' },
  deleted_reference: { ja: '参照先はゴミ箱にあります', en: 'The referenced record is in the trash' },
  unknown_field: { ja: '不明な項目です', en: 'Unknown field' },
  stale: {
    ja: 'ほかの人がこの内容を更新しました。再読み込みしてから編集してください',
    en: 'Someone else changed this record since you opened it. Reload and edit again',
  },
  not_found: { ja: 'データが見つかりません', en: 'Not found' },
  deleted: { ja: 'ゴミ箱にあるデータです。先に復元してください', en: 'This record is in the trash; restore it first' },
  busy: { ja: 'データベースが使用中です。もう一度お試しください', en: 'The database is busy; try again' },
  network: { ja: '通信できませんでした', en: 'Could not reach the app' },
  unauthorized: { ja: '接続が許可されていません(アプリから開き直してください)', en: 'Not authorized (open the app again)' },
  bad_request: { ja: '要求の形式が正しくありません', en: 'Bad request' },
  constraint: { ja: 'データの整合性エラーです', en: 'Database constraint failed' },
  // issue 4: merge and readings
  same_record: { ja: '同じデータどうしは統合できません', en: 'A record cannot be merged with itself' },
  already_undone: { ja: 'この統合はすでに元に戻されています', en: 'This merge was already undone' },
  merge_changed: {
    ja: '統合のあとで編集された項目があるため元に戻せません',
    en: 'Fields the merge set were edited since; the merge cannot be undone',
  },
  reading_unavailable: { ja: '読みの辞書がないため提案できません', en: 'No reading dictionary on this computer' },
  // issue 6: import, export, backup
  import_has_errors: { ja: 'エラーのある行があるため取り込みませんでした', en: 'Some rows have errors, so nothing was imported' },
  import_running: { ja: '取り込みの実行中です。終わるまで待つか中止してください', en: 'An import is running; wait for it or cancel it first' },
  cancelled: { ja: '中止しました。データは変更されていません', en: 'Cancelled; nothing was changed' },
  not_a_backup: { ja: '大福帳のバックアップファイルではありません', en: 'Not a Daifuku backup file' },
  newer_database: { ja: '新しいバージョンで作られたファイルです。先にアプリを更新してください', en: 'Made by a newer version; update the app first' },
  empty_file: { ja: 'ファイルにデータがありません', en: 'The file has no rows' },
  duplicate_target: { ja: '同じ項目に2つの列が対応付けられています', en: 'Two columns fill the same field' },
  // issue 5: attachments
  too_large: { ja: 'ファイルが大きすぎます(1ファイル20MBまで)', en: 'The file is too large (at most 20 MB)' },
  invalid_file: { ja: 'ファイルを読み込めませんでした', en: 'The file could not be read' },
  attachment_pending: {
    ja: 'このファイルはほかのパソコンからまだ届いていません。次の同期で届きます',
    en: 'This file has not arrived from the other computer yet; it comes with a later sync',
  },
};

/** The message for one error code, localized; `fallback` (the core's English message) when the code is unknown. */
export function errorMessage(code: string, lang: Lang, fallback?: string): string {
  const m = MESSAGES[code];
  if (m) return m[lang];
  return fallback || code;
}

/** Field name → message, for every field error of an ApiError. */
export function fieldErrors(e: ApiError, lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of e.details ?? []) {
    if (!out[d.field]) out[d.field] = errorMessage(d.code, lang, d.message);
  }
  if (e.field && !out[e.field]) out[e.field] = errorMessage(e.code, lang, e.message);
  return out;
}

/** One line for a banner or a toast. */
export function describeError(e: ApiError, lang: Lang): string {
  return errorMessage(e.code, lang, e.message);
}
