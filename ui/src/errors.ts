// Error codes from the core → messages the user reads. The UI switches on
// `code`, never on the English `message`, which is only the fallback.

import type { ApiError } from './bindings/ApiError';
import type { MatchReason } from './bindings/MatchReason';
import type { MessageCode } from './bindings/MessageCode';
import type { Lang } from './i18n';

type Text = { ja: string; en: string };

/** Codes only the UI makes (no answer from the app). */
type UiCode = 'network' | 'bad_response';

/**
 * The one catalog: every code the core, the hosts and the CLI return or
 * report (crates/daifuku-core/src/codes.rs → bindings/MessageCode.ts) in Japanese and English.
 * Typed as a Record of every code, so a code without its texts fails the build.
 */
const MESSAGES: Record<MessageCode | UiCode, Text> = {
  // Encryption at rest (issue 18).
  wrong_passphrase: {
    ja: 'パスフレーズが違います。もう一度入力してください(大文字・小文字、全角・半角も区別されます)。',
    en: 'The passphrase is wrong. Enter it again (capitals and full-width characters count).',
  },
  locked: {
    ja: 'データベースはロックされています。パスフレーズを入力してロックを解除してください。',
    en: 'The database is locked. Enter the passphrase to unlock it.',
  },
  passphrase_required: { ja: 'パスフレーズを入力してください。', en: 'Enter a passphrase.' },
  keychain_unavailable: {
    ja: 'このパソコンの資格情報の保管場所(キーチェーン)が使えません。「このパソコンに記憶する」を外してロックを解除してください。',
    en: 'The keychain of this computer cannot be used. Unlock without “Remember on this computer”.',
  },
  passphrase_too_short: {
    ja: 'パスフレーズは8文字以上にしてください。長い文のほうが安全です。',
    en: 'Use at least 8 characters for the passphrase; a long sentence is safer.',
  },
  already_encrypted: { ja: 'このデータベースはすでに暗号化されています。', en: 'This database is already encrypted.' },
  not_encrypted: { ja: 'このデータベースは暗号化されていません。', en: 'This database is not encrypted.' },
  database_in_use: {
    ja: 'データベースを別のプログラムが開いています。大福を閉じてからもう一度実行してください。',
    en: 'Another program has the database open. Close Daifuku and try again.',
  },
  rewrite_check_failed: {
    ja: '書き換えたデータベースの確認に失敗したため、元のファイルのままにしました。空き容量を確かめてもう一度お試しください。',
    en: 'The rewritten database did not check out, so the original file was kept. Check the free disk space and try again.',
  },
  required: { ja: '必須項目です', en: 'This field is required' },
  reason_required: {
    ja: '理由を入力してください(ご本人からの請求内容、誤っていた点など)。監査ログに残ります。',
    en: 'Enter the reason (what the person asked for, what was wrong). It is kept in the audit trail.',
  },
  third_party_contacts_only: {
    ja: '第三者提供の出力は担当者(個人)の一覧から行ってください。',
    en: 'An export for a third party is made from the contacts (people) list.',
  },
  audit_chain_broken: {
    ja: '監査ログが書き換えられています(または削除された記録があります)。管理者に連絡し、この端末のデータベースとバックアップを保全してください。',
    en: 'The audit trail was altered (or entries were removed). Tell your administrator and keep this computer’s database and backups as they are.',
  },
  audit_entry_altered: {
    ja: '共有フォルダーで書き換えられた監査ログの記録を受け取りました(届いたまま保存し、「改ざんを確認」で示します)。管理者に連絡してください。',
    en: 'An audit trail entry received from the sync folder was altered there (it is kept as it arrived and “Check for tampering” names it). Tell your administrator.',
  },
  invalid_email: { ja: 'メールアドレスの形式が正しくありません', en: 'Not a valid e-mail address' },
  invalid_corporate_number: {
    ja: '法人番号が正しくありません(13桁・チェックデジットを確認してください)',
    en: 'Not a valid corporate number (13 digits with a check digit)',
  },
  invalid_postal_code: { ja: '郵便番号は7桁で入力してください(例: 123-4567)', en: 'Enter a 7-digit postal code (e.g. 123-4567)' },
  invalid_phone: { ja: '電話番号の形式が正しくありません', en: 'Not a valid phone number' },
  impossible_phone: {
    ja: 'この電話番号は存在しません。桁数を確かめてください(固定電話は市外局番から10桁、携帯・050は11桁、0120は10桁)',
    en: 'This number cannot exist. Check the number of digits (landlines: 10 with the area code; mobiles and 050: 11; 0120: 10)',
  },
  phone_multiple: {
    ja: '電話番号が2つ以上入っています。1つずつ別の欄(携帯電話・FAX・メモ)に入れてください',
    en: 'More than one phone number: put each in its own field (mobile, fax or notes)',
  },
  phone_annotation: { ja: '電話番号の注記を読み取りました', en: 'Phone annotation recognised' },
  phone_second_number: {
    ja: '1つのセルに2つ目の電話番号がありました。次の欄に移しました',
    en: 'A second phone number in the cell was moved to another field',
  },
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
  unknown_user: {
    ja: 'ユーザーにいません。取り込み時に「存在しない担当者をユーザーとして作成する」で作成できます',
    en: 'No such user. Tick “Create the missing users” to create them with the import',
  },
  deleted_reference: { ja: '参照先はゴミ箱にあります', en: 'The referenced record is in the trash' },
  demo_loaded: { ja: 'デモデータはすでに入っています。もう一度入れるには、先にホームの「削除する」で消してください', en: 'Demo data is already loaded; remove it from Home first to load it again' },
  unknown_field: { ja: '不明な項目です', en: 'Unknown field' },
  stale: {
    ja: 'ほかの人がこの内容を更新しました。再読み込みしてから編集してください',
    en: 'Someone else changed this record since you opened it. Reload and edit again',
  },
  not_found: { ja: 'データが見つかりません', en: 'Not found' },
  not_in_trash: {
    ja: 'ゴミ箱にないデータです。完全に削除するには、先にゴミ箱に移してください',
    en: 'This record is not in the trash. Move it to the trash first to delete it permanently',
  },
  erase_folder_pending: {
    ja: '同期フォルダーでの消去がまだ終わっていません。次の同期で続きを行います',
    en: 'Erasing in the sync folder is not finished yet; the next sync continues it',
  },
  not_orphan: {
    ja: 'この記録は削除された会社の下にありません(すでに対応済みです)。一覧を更新してください',
    en: 'This record is no longer under a deleted company (already settled); refresh the list',
  },
  deleted: { ja: 'ゴミ箱にあるデータです。先に復元してください', en: 'This record is in the trash; restore it first' },
  busy: {
    ja: '取り込みや同期がデータベースに書き込み中のため、保存されませんでした。入力した内容はそのままです。少し待ってからもう一度保存してください',
    en: 'Not saved: an import or a sync is writing to the database. What you entered is still here; save again in a moment',
  },
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
  sync_running: { ja: '同期の実行中です。終わってからもう一度お試しください', en: 'A sync is running; try again when it has finished' },
  card_no_card: {
    ja: '画像の中に名刺が見つかりませんでした。名刺を暗めの机に置き、画面いっぱいに写してもう一度お試しください',
    en: 'No business card was found in the image. Put the card on a darker surface, fill most of the photo with it and try again',
  },
  card_too_large: {
    ja: '画像が大きすぎて読み取れません。8000万画素・40 MB以下の写真を使ってください',
    en: 'The image is too large to read. Use a photo of at most 80 megapixels and 40 MB',
  },
  card_unreadable: {
    ja: '画像を読み取れませんでした(壊れているか小さすぎます)。撮り直すかスキャンしてください',
    en: 'The image cannot be read (damaged or too small). Take the photo again or scan the card',
  },
  card_unsupported_format: {
    ja: 'この形式のファイルは名刺として読み取れません。名刺のJPEGかPNGの写真・スキャンを選んでください(HEICはJPEGで書き出してください)',
    en: 'This kind of file cannot be read as a business card. Choose a JPEG or PNG photo or scan (export HEIC photos as JPEG)',
  },
  ocr_unavailable: {
    ja: '文字認識エンジン(Tesseract と日本語モデル)が見つかりません。Debian/Ubuntu では sudo apt install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert でインストールしてください',
    en: 'The OCR engine (Tesseract with its Japanese models) is not available. On Debian/Ubuntu: sudo apt install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert',
  },
  invalid_base64: { ja: 'ファイルの内容が正しく送られませんでした。もう一度選び直してください', en: 'The file did not arrive intact; choose it again' },
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
  // issue 20: import warnings (shown per row in the preview, with the value they are about)
  product_not_registered: {
    ja: '登録されていない商品名です。商品名の文字として保存します',
    en: 'No such product is registered; the name is kept as text',
  },
  unknown_id: { ja: 'このIDのデータはありません。新しいデータとして取り込みます', en: 'No record has this id; the row is imported as a new record' },
  possible_duplicate: {
    ja: '同じ名前の会社があります(コード・法人番号・メール・電話は一致せず)。新しい会社として登録します。同じ会社なら後で「重複」から統合できます',
    en: 'A company with the same name exists (no code, corporate number, e-mail or phone matched); a new company is created. Merge them later under Duplicates if they are the same',
  },
  company_mismatch: {
    ja: '顧客コードと会社名が食い違っています。顧客コードの会社に紐づけます',
    en: 'The customer code belongs to another company name; the code wins',
  },
  ambiguous_company: {
    ja: '同じ名前の会社が複数あります。いちばん古い会社に紐づけます。顧客コードの列を加えると指定できます',
    en: 'Several companies have this name; the oldest is used. Add a customer code column to choose',
  },
  new_company: { ja: '未登録の会社です。この行と一緒に会社を作成します', en: 'No such company yet; it is created with this row' },
  leading_zero_restored: {
    ja: 'Excelで消えた先頭の0を補いました',
    en: 'The leading 0 that Excel dropped was restored',
  },
  ambiguous_reference: {
    ja: '同じ名前のデータが複数あります。いちばん古いものを使います',
    en: 'Several records have this name; the oldest is used',
  },
  // issue 20: files that cannot be read as they are (CSV and vCard readers)
  undecodable_text: {
    ja: '文字コードが合わず読めない文字がありました。この項目は取り込みません。元のファイルで直すか、文字コードを選び直してください',
    en: 'Some bytes could not be read as text (wrong encoding?); this field is not imported. Fix it in the file or choose another encoding',
  },
  unterminated_quote: {
    ja: '引用符(")が閉じられていないため、以降の行が1つのセルになってしまいます。何も取り込んでいません。引用符を閉じるか消してから、もう一度取り込んでください。引用符が始まる行',
    en: 'A quote (") is never closed, so every row after it would become one cell; nothing was imported. Close or remove the quote and import again. It opens on line',
  },
  truncated_vcard: {
    ja: 'このカードは途中で切れています(END:VCARDがありません)。取り込みません。元のファイルが最後まであるか確かめてください',
    en: 'This card is cut short (no END:VCARD) and is not imported. Check that the file is complete',
  },
  invalid_vcard: {
    ja: 'vCard(.vcf)として読めません。取り込みません。vCardのファイルか、カードが壊れていないか確かめてください',
    en: 'Not readable as a vCard (.vcf), so not imported. Check that this is a vCard file and that the card is complete',
  },
  // issue 20: sizes (the detail is the most characters or items allowed)
  too_long: { ja: '長すぎます。上限の文字数以内に短くしてください。上限', en: 'Too long; shorten it to at most the allowed characters. Allowed' },
  too_many_items: { ja: '項目が多すぎます。上限の数以内に減らしてください。上限', en: 'Too many items; remove some. Allowed' },
  file_too_large: {
    ja: 'ファイルが大きすぎます(200MBまで)。いくつかのファイルに分けて取り込んでください',
    en: 'The file is too large (at most 200 MB); split it into several files',
  },
  // issue 20: export warnings (shown in the export dialog with the record and column)
  cell_truncated: {
    ja: 'Excelの1つのセルに入りきらない長さのため、末尾を省略しました(全文はCSVで書き出せます)。元の文字数',
    en: 'Too long for one Excel cell, so the end was cut (export as CSV to keep it all). Full length',
  },
  unencodable_chars: {
    ja: 'Shift_JISにない文字を〓にしました(UTF-8で書き出せばそのまま残ります)。該当する文字',
    en: 'Characters Shift_JIS cannot hold were written as 〓 (export as UTF-8 to keep them). Characters',
  },
  // Sync problems (ApiError and SyncIssue codes), in words a salesperson can act on.
  sync_not_configured: {
    ja: '同期はまだ設定されていません。共有フォルダーを選んでください。',
    en: 'Sync is not set up yet: choose the shared folder.',
  },
  sync_folder_missing: {
    ja: '同期フォルダーが見つかりません。共有ドライブ(NAS)がつながっているか、Dropbox・OneDrive などのアプリが動いているか確認してください。',
    en: 'The sync folder cannot be found. Check that the shared drive is connected, or that the cloud drive app is running.',
  },
  sync_folder_unreachable: {
    ja: '同期フォルダーを開けません。ネットワークや共有ドライブの接続を確認してください。',
    en: 'The sync folder cannot be opened. Check the network or the shared drive.',
  },
  sync_folder_read_only: {
    ja: '同期フォルダーに書き込む権限がありません。フォルダーの管理者に書き込み権限を頼んでください。',
    en: 'No permission to write to the sync folder. Ask whoever manages it for write access.',
  },
  sync_folder_error: {
    ja: '同期フォルダーの準備ができませんでした。接続を確認して、もう一度お試しください。',
    en: 'The sync folder could not be set up. Check the connection and try again.',
  },
  sync_passphrase_required: {
    ja: 'この同期フォルダーは暗号化されています。合言葉(パスフレーズ)を入力してください。',
    en: 'This sync folder is encrypted: enter the passphrase.',
  },
  sync_wrong_passphrase: {
    ja: '合言葉(パスフレーズ)が違います。同期を設定した人に確認してください。',
    en: 'The passphrase does not match. Check it with whoever set up sync.',
  },
  sync_folder_not_encrypted: {
    ja: 'このフォルダーにはすでに暗号化されていないデータがあるため、合言葉を付けられません。空のフォルダーを選ぶか、合言葉なしで同期してください。',
    en: 'This folder already holds unencrypted data: choose an empty folder for encryption, or sync without a passphrase.',
  },
  sync_waiting: {
    ja: '同期フォルダーの設定ファイルがまだコピー中です。少し待ってからもう一度お試しください。',
    en: 'The folder’s settings are still being copied; try again shortly.',
  },
  sync_format_newer: {
    ja: 'この同期フォルダーは新しいバージョンの大福帳で書かれています。このパソコンの大福帳を更新してください。データは失われません。',
    en: 'A newer Daifuku wrote this sync folder. Please update Daifuku on this computer; nothing is lost.',
  },
  sync_device_clash: {
    ja: 'このデータベースのコピー(バックアップなど)が同じフォルダーで同期されています。最新のものに戻すか、新しい端末として始めてください。',
    en: 'A copy of this database (a backup?) synced in this folder. Restore the newest copy, or start as a new device.',
  },
  sync_s3_bucket_missing: {
    ja: 'バケットが見つかりません。バケット名とエンドポイント、リージョンを確認してください。',
    en: 'The bucket cannot be found. Check the bucket name, the endpoint and the region.',
  },
  sync_s3_bad_prefix: {
    ja: 'プレフィックスには半角の英数字と - _ . / だけが使えます(例: osaka-eigyo)。',
    en: 'The prefix may use only ASCII letters, digits and - _ . / (e.g. osaka-sales).',
  },
  sync_s3_access_denied: {
    ja: 'バケットに入れません。アクセスキーIDとシークレットキーが正しいか、このバケットの権限があるか管理者に確認してください。',
    en: 'The bucket refused access. Check the access key ID and the secret key, or ask whoever manages the bucket for access.',
  },
  sync_folder_change: {
    ja: 'このパソコンはすでに別のフォルダーで同期しています。別のフォルダーへの引っ越しにはまだ対応していません(全員がやり直す必要があります)。',
    en: 'This computer already syncs through another folder; moving to a different folder is not supported yet.',
  },
  sync_bad_device_id: {
    ja: 'この端末の ID は同期に使えません。',
    en: 'This device id cannot be used for sync.',
  },
  not_available: {
    ja: 'この機能はデスクトップアプリ(または daifuku serve)でのみ使えます。',
    en: 'This works in the desktop app (or daifuku serve) only.',
  },
  folder_read_only: {
    ja: '同期フォルダーが読み取り専用です。変更はこのパソコンに残り、書き込めるようになったら送ります。',
    en: 'The sync folder is read-only. Your changes stay here and are sent later.',
  },
  folder_full: {
    ja: 'ディスク(またはクラウドの容量)がいっぱいです。空きを作ってください。変更はこのパソコンに残り、あとで送ります。',
    en: 'The disk or cloud storage is full. Free some space; your changes are sent later.',
  },
  file_unreadable: {
    ja: '読めないファイルがあります。次の同期でもう一度読みます。',
    en: 'A file could not be read; it is retried next time.',
  },
  file_incomplete: {
    ja: 'コピー途中か壊れたファイルがあります。同期サービスがコピーを終えたら読み込みます。',
    en: 'A file is incomplete or damaged (probably still being copied); it is retried.',
  },
  attachment_file_replaced: {
    ja: '別のパソコンで壊れて届いた添付ファイルを、このパソコンから送り直しました。',
    en: 'An attachment file arrived damaged on another computer; this computer sent it again.',
  },
  file_locked: {
    ja: '別の合言葉で暗号化されたファイルがあります。',
    en: 'A file is encrypted with a passphrase this device does not have.',
  },
  own_file_unreadable: {
    ja: 'このパソコンが前回書いたファイルがまだ読めません。読めるようになるまで送信を待ちます。',
    en: 'This computer’s last file cannot be read yet; sending waits.',
  },
  changes_skipped: {
    ja: 'このバージョンでは扱えない変更があります。大福帳を更新してください。',
    en: 'Some changes are from a newer app; please update Daifuku.',
  },
  sync_clock_skew: {
    ja: 'このパソコンの時計がほかのパソコンと大きくずれています。このパソコンでの編集がほかの人の編集より優先されたり負けたりします。Windowsの「日付と時刻」の設定で「時刻を自動的に設定する」をオンにしてください。',
    en: 'This computer’s clock is far off from the other computers’. Its edits win or lose against colleagues’ edits until it is fixed: turn on “Set the time automatically” in the date and time settings.',
  },
  clock_ahead: {
    ja: 'ほかのパソコンの時計が進んでいます。その端末の日付と時刻を正しく設定してください(編集は取り込まれています)。',
    en: 'Another computer’s clock is ahead; please set its date and time (its edits are merged).',
  },
  folder_error: {
    ja: '同期フォルダーの読み書きに失敗しました。接続を確認してください。データは失われず、次の同期でもう一度試します。',
    en: 'The sync folder could not be read or written. Check the connection; nothing is lost and the next sync tries again.',
  },
  sync_bad_kdf: {
    ja: '同期フォルダーの暗号化の設定が読めません。フォルダーを設定した人に確認してください。',
    en: 'The sync folder’s encryption settings cannot be read. Check with whoever set up the folder.',
  },
  restoring: {
    ja: 'バックアップから復元しています。終わるまでお待ちください',
    en: 'Restoring from a backup; wait until it finishes',
  },
  // Printing (PDF)
  print_font_missing: {
    ja: '印刷に使う日本語フォントが見つかりません。IPAexゴシック(fonts-ipaexfont)かNoto Sans CJK(fonts-noto-cjk)をインストールするか、DAIFUKU_PRINT_FONT にフォントファイルを指定してください',
    en: 'No Japanese font was found to print with. Install IPAex Gothic (fonts-ipaexfont) or Noto Sans CJK (fonts-noto-cjk), or set DAIFUKU_PRINT_FONT to a font file',
  },
  print_no_labels: {
    ja: 'この条件では宛名ラベルにする宛先がありません。条件を変えるか、担当者に住所を登録してください',
    en: 'No addresses to print with these conditions. Change the conditions, or add addresses to the contacts',
  },
  // Import: the file, its columns and its rows
  file: { ja: 'ファイル全体についての注意', en: 'About the whole file' },
  invalid_csv: {
    ja: 'CSVとして読めません。Excelで開いて「CSV(コンマ区切り)」で保存し直してから取り込んでください',
    en: 'Not readable as CSV. Open it in Excel, save it as "CSV (comma delimited)" and import it again',
  },
  invalid_excel: {
    ja: 'Excelファイルとして読めません。ファイルが壊れていないか、パスワードがかかっていないか確かめてください',
    en: 'Not readable as an Excel file. Check that it is not damaged or password-protected',
  },
  unknown_sheet: { ja: 'そのシートはこのファイルにありません。シート名を選び直してください', en: 'The file has no such sheet; choose another one' },
  invalid_delimiter: { ja: '区切り文字は1文字で指定してください(例: , やタブ)', en: 'The delimiter must be one character (e.g. , or tab)' },
  invalid_header_row: { ja: '見出しの行の番号が正しくありません。ファイルの行数以内で指定してください', en: 'The header row number is not a row of the file' },
  invalid_mapping: { ja: '列の対応付けの指定が読めません', en: 'The column mapping cannot be read' },
  unknown_column: { ja: 'ファイルにない列が対応付けに指定されています', en: 'The mapping names a column the file does not have' },
  unknown_target: { ja: 'この種類のデータにない項目が対応付けに指定されています', en: 'The mapping names a field this kind of record does not have' },
  not_importable: { ja: 'この種類のデータは取り込めません', en: 'This kind of record cannot be imported' },
  nothing_to_apply: {
    ja: 'どの会社もすでに提案どおりのランクです。適用するものはありません',
    en: 'Every company already has its suggested rank; there is nothing to apply',
  },
  threshold_order: {
    ja: 'Bランクの境目はAランクの境目より大きくしてください(例: A 70% / B 90%)',
    en: 'The B boundary must be above the A boundary (e.g. A 70% / B 90%)',
  },
  unmapped_column: { ja: 'この列は取り込みません(取り込むには項目を選んでください)', en: 'This column is not imported (choose a field to import it)' },
  required_unmapped: {
    ja: '必須項目に対応する列がありません。このままではすべての行がエラーになります',
    en: 'No column fills a required field; every row would fail',
  },
  unknown_company: {
    ja: '該当する会社がありません。会社名か顧客コードを確かめてください',
    en: 'No such company. Check the company name or customer code',
  },
  conflicting_match: {
    ja: 'この行は既存の別々のデータに一致します(例: コードはA社、メールはB社)。どちらか一方に直してください',
    en: 'This row matches two different existing records (e.g. the code one, the e-mail another); correct one of them',
  },
  // Export, files and paths
  unsupported_format: { ja: 'この形式では書き出せません', en: 'This format cannot be exported' },
  unsupported_encoding: { ja: 'この文字コードでは書き出せません', en: 'This encoding cannot be used for the export' },
  unsupported_kind: { ja: 'この種類のデータには使えません', en: 'Not available for this kind of record' },
  xlsx: { ja: 'Excelファイルを作れませんでした', en: 'The Excel file could not be made' },
  invalid_path: { ja: 'その場所には保存できません。別のフォルダーを選んでください', en: 'Cannot save there; choose another folder' },
  io: {
    ja: 'ファイルの読み書きに失敗しました。場所、空き容量、書き込み権限を確かめてください',
    en: 'Reading or writing a file failed. Check the place, the free space and the permissions',
  },
  use_attach_file: { ja: '添付ファイルは「ファイルを添付」から追加してください', en: 'Add attachments with "Attach file"' },
  confirmation_required: {
    ja: '取り消せない操作のため確認が必要です。内容を確かめてから実行してください',
    en: 'This cannot be undone, so it needs a confirmation; check and run it again',
  },
  bad_filter: { ja: '絞り込みの条件が正しくありません', en: 'The filter is not valid' },
  // The app itself
  database: {
    ja: 'データベースでエラーが起きました。もう一度お試しください。続くときは問い合わせ用情報を添えてご連絡ください',
    en: 'A database error occurred; try again. If it persists, contact support with the support information',
  },
  migration: {
    ja: 'データベースを新しい形式に更新できませんでした。データは変更していません。アプリを再起動してください',
    en: 'The database could not be upgraded; nothing was changed. Restart the app',
  },
  internal: {
    ja: 'アプリ内部のエラーです。もう一度お試しください。続くときはアプリを再起動してください',
    en: 'An internal error occurred; try again. If it persists, restart the app',
  },
  forbidden: { ja: 'この接続は許可されていません', en: 'This connection is not allowed' },
  usage: { ja: 'コマンドの指定が正しくありません(--help で使い方を表示します)', en: 'The command is not used correctly (see --help)' },
  bad_response: { ja: 'アプリからの応答が正しくありません。再読み込みしてください', en: 'Unexpected answer from the app; reload' },
  more_warnings: { ja: 'ほかにも同じような注意があります。件数', en: 'More warnings like these. Count' },
  // issue 21: hand-over and changes
  handover_same_user: { ja: '引き継ぎ先には別の人を選んでください', en: 'Choose someone else to hand over to' },
  handover_inactive_user: {
    ja: '引き継ぎ先は退職済みです。在籍している人を選んでください',
    en: 'This person has left; choose someone who is in the office',
  },
  handover_empty: {
    ja: 'この条件で引き継ぐデータはありません。担当者や条件を見直してください',
    en: 'Nothing to hand over with these conditions; check the person and the filters',
  },
  handover_already_undone: { ja: 'この引き継ぎはすでに元に戻されています', en: 'This hand-over was already undone' },
  invalid_since: {
    ja: '日時は 2026-04-01T09:00 の形で入力してください',
    en: 'Enter the time as 2026-04-01T09:00',
  },
};

/** The message for one error code, localized; `fallback` (the core's English message) when the code is unknown. */
export function errorMessage(code: string, lang: Lang, fallback?: string): string {
  const m = (MESSAGES as Record<string, Text | undefined>)[code];
  if (m) return m[lang];
  return fallback || code;
}

// Two codes whose detail the core writes with Japanese words in it (crates/daifuku-core/src/import/values.rs,
// crates/daifuku-core/src/phone.rs): the annotations of a phone number (代表番号, 直通, 内線 123) and the field a
// second number went to (「06-… → メモ」). Given in English here for the English UI.
const PHONE_NOTES_EN: [RegExp, string][] = [
  [/^代表番号$/, 'main number'],
  [/^直通$/, 'direct line'],
  [/^内線 ?(.+)$/, 'ext. $1'],
];
const TARGET_FIELDS_EN: Record<string, string> = { メモ: 'Notes', 携帯電話: 'Mobile', FAX: 'Fax' };

/** The value an error is about, as the user reads it (`detail` as the core gave it, but in English where it holds words). */
export function detailText(code: string, detail: string, lang: Lang): string {
  if (lang === 'ja') return detail;
  if (code === 'phone_annotation') {
    return detail
      .split('・')
      .map((note) => PHONE_NOTES_EN.reduce((s, [re, en]) => s.replace(re, en), note))
      .join(', ');
  }
  if (code === 'phone_second_number') {
    const m = /^(.*) → (.+)$/.exec(detail);
    if (m && TARGET_FIELDS_EN[m[2]]) return `${m[1]} → ${TARGET_FIELDS_EN[m[2]]}`;
  }
  return detail;
}

/** A field error or import warning in the user's language, and the value it is about (`detail`), apart. */
export function fieldErrorParts(e: { code: string; message: string; detail?: string }, lang: Lang): { text: string; sep: string; detail: string | null } {
  return { text: errorMessage(e.code, lang, e.message), sep: lang === 'ja' ? '：' : ': ', detail: e.detail ? detailText(e.code, e.detail, lang) : null };
}

/** A field error or import warning in the user's language, with the value it is about (`detail`). */
export function fieldErrorText(e: { code: string; message: string; detail?: string }, lang: Lang): string {
  const { text, sep, detail } = fieldErrorParts(e, lang);
  return detail ? `${text}${sep}${detail}` : text;
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
  // The value the error is about (a line number, a maximum…) rides on its first detail of the same code.
  const detail = e.details?.find((d) => d.code === e.code)?.detail;
  return fieldErrorText({ code: e.code, message: e.message, detail }, lang);
}

/** The natural keys an import row matches an existing record by (crates/daifuku-core/src/codes.rs → bindings/MatchReason.ts). */
const MATCH_REASONS: Record<MatchReason, Text> = {
  id: { ja: 'IDが一致', en: 'same id' },
  code: { ja: '顧客コードが一致', en: 'same customer code' },
  corporate_number: { ja: '法人番号が一致', en: 'same corporate number' },
  email: { ja: 'メールアドレスが一致', en: 'same e-mail address' },
  name: { ja: '名前が一致', en: 'same name' },
  'name+phone': { ja: '名前と電話番号が一致', en: 'same name and phone number' },
  'name+postal': { ja: '名前と郵便番号が一致', en: 'same name and postal code' },
  'name+company': { ja: '同じ会社の同じ名前', en: 'same name at the same company' },
  'company+date': { ja: '会社・日時・件名が一致', en: 'same company, date and subject' },
  'company+product+date': { ja: '会社・商品・契約日が一致', en: 'same company, product and contract date' },
};

/** Why an import row matched an existing record, in the user's words. */
export function matchReason(by: string, lang: Lang): string {
  const m = (MATCH_REASONS as Record<string, Text | undefined>)[by];
  return m ? m[lang] : by;
}
