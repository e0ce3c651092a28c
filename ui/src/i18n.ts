// A small dictionary: Japanese first, English second. Field labels come from
// the schema (label_ja / label_en); enum values from `ENUM_LABELS`.

import { createContext, useContext } from 'react';
import type { FieldDef } from './bindings/FieldDef';
import type { KindMeta } from './bindings/KindMeta';

export type Lang = 'ja' | 'en';

const DICT = {
  app_name: ['大福帳', 'Daifuku'],
  nav_home: ['ホーム', 'Home'],
  nav_companies: ['会社', 'Companies'],
  nav_contacts: ['担当者', 'Contacts'],
  nav_activities: ['活動', 'Activities'],
  nav_deals: ['案件', 'Deals'],
  nav_products: ['商品・競合', 'Products'],
  nav_tasks: ['タスク', 'Tasks'],
  nav_trash: ['ゴミ箱', 'Trash'],
  nav_settings: ['設定', 'Settings'],
  // What the search covers: exactly the core's SEARCH_KINDS (src/keys.rs).
  search_placeholder: ['会社・担当者・案件・商品・活動を検索', 'Search companies, contacts, deals, products and activities'],
  search_hint: ['Ctrl+K', 'Ctrl+K'],
  search_none: ['見つかりませんでした', 'Nothing found'],
  search_type: ['名前・フリガナ・電話番号・メール・本文から探します', 'Type to search names, readings, phone numbers, e-mail and text'],
  save: ['保存', 'Save'],
  saving: ['保存中…', 'Saving…'],
  cancel: ['キャンセル', 'Cancel'],
  close: ['閉じる', 'Close'],
  edit: ['編集', 'Edit'],
  delete: ['削除', 'Delete'],
  add: ['追加', 'Add'],
  new: ['新規', 'New'],
  restore: ['復元', 'Restore'],
  loading: ['読み込み中…', 'Loading…'],
  none: ['ありません', 'None'],
  not_set: ['未設定', 'Not set'],
  all: ['すべて', 'All'],
  yes: ['はい', 'Yes'],
  no: ['いいえ', 'No'],
  saved: ['保存しました', 'Saved'],
  deleted_to_trash: ['ゴミ箱に移動しました', 'Moved to the trash'],
  restored: ['復元しました', 'Restored'],
  confirm_delete: ['ゴミ箱に移動しますか?', 'Move to the trash?'],
  form_has_errors: ['入力内容を確認してください', 'Please check the highlighted fields'],
  count_suffix: ['件', ''],
  // Home
  home_title: ['ホーム', 'Home'],
  home_overdue: ['期限切れのタスク', 'Overdue tasks'],
  home_today: ['今日のタスク', "Today's tasks"],
  home_upcoming: ['今後7日間のタスク', 'Next 7 days'],
  home_renewals: ['90日以内に満了・更新の契約', 'Contracts expiring or renewing within 90 days'],
  home_recent: ['最近の活動', 'Recent activities'],
  home_quick_add: ['クイック追加', 'Quick add'],
  home_only_mine: ['自分のタスクのみ', 'Only my tasks'],
  home_no_tasks: ['タスクはありません', 'No tasks'],
  days_left: ['あと{n}日', '{n} days left'],
  days_over: ['{n}日超過', '{n} days overdue'],
  due_today: ['今日まで', 'Due today'],
  expiry: ['満了', 'Expiry'],
  renewal: ['更新', 'Renewal'],
  // Lists
  filter: ['絞り込み', 'Filter'],
  filter_text: ['名前・フリガナで絞り込み', 'Filter by name or reading'],
  clear_filters: ['条件をクリア', 'Clear filters'],
  tag: ['タグ', 'Tag'],
  kana_index: ['五十音', 'Kana index'],
  rows: ['{n}件', '{n} records'],
  open: ['開く', 'Open'],
  // Company page
  tab_overview: ['概要', 'Overview'],
  tab_finance: ['業績', 'Financials'],
  tab_contacts: ['担当者', 'Contacts'],
  tab_timeline: ['活動履歴', 'Timeline'],
  tab_deals: ['案件', 'Deals'],
  tab_purchases: ['購入・契約', 'Purchases'],
  tab_tasks: ['タスク', 'Tasks'],
  tab_relations: ['関連会社', 'Related'],
  tab_positions: ['役職履歴', 'Positions'],
  tab_cards: ['名刺交換', 'Business cards'],
  add_contact: ['担当者を追加', 'Add contact'],
  add_activity: ['活動を記録', 'Log activity'],
  add_meeting: ['商談を記録', 'Log meeting'],
  add_deal: ['案件を追加', 'Add deal'],
  add_purchase: ['購入・契約を追加', 'Add purchase'],
  add_task: ['タスクを追加', 'Add task'],
  add_relation: ['関連会社を追加', 'Add relation'],
  add_financial: ['年度の業績を追加', 'Add a year'],
  add_card: ['名刺交換を記録', 'Record card exchange'],
  add_company: ['会社を追加', 'Add company'],
  chart_revenue: ['売上高', 'Revenue'],
  chart_profit: ['経常利益', 'Ordinary profit'],
  unit_man_yen: ['(百万円)', '(¥ million)'],
  no_timeline: ['まだ活動がありません', 'No history yet'],
  current: ['現在', 'current'],
  position_note: ['部署・役職を変更すると、以前の役職は日付付きで履歴に残ります', 'Changing department or title keeps the old one here with its dates'],
  // Activity editor
  activity_new: ['活動を記録', 'Log an activity'],
  activity_edit: ['活動を編集', 'Edit activity'],
  template: ['テンプレート', 'Template'],
  template_apply: ['テンプレートを使う', 'Use template'],
  template_choose: ['テンプレートを選択…', 'Choose a template…'],
  preview: ['プレビュー', 'Preview'],
  attendees: ['出席者', 'Attendees'],
  next_action: ['次のアクション', 'Next action'],
  follow_up: ['次のステップ・次回予定', 'Next steps'],
  next_action_create: ['次のアクションをタスクとして登録する', 'Create a task for the next action'],
  task_title: ['タスク名', 'Task title'],
  task_due: ['期限', 'Due'],
  task_assignee: ['担当者', 'Assignee'],
  choose_company_first: ['先に会社を選んでください', 'Choose the company first'],
  report_source: ['情報源', 'Source'],
  report_assessment: ['評価', 'Assessment'],
  report_followup: ['活用と次の一手', 'Use and follow-up'],
  inquiry_section: ['問い合わせ', 'Inquiry'],
  minutes: ['議事録', 'Minutes'],
  general: ['基本情報', 'General'],
  // Deals
  deals_title: ['案件パイプライン', 'Deal pipeline'],
  deals_total: ['{n}件 · {sum}', '{n} deals · {sum}'],
  drop_here: ['ここにドロップ', 'Drop here'],
  owner_filter: ['担当営業', 'Owner'],
  // Products
  products_own: ['自社商品', 'Our products'],
  products_competitor: ['競合商品', 'Competitor products'],
  comparison: ['比較表', 'Comparison'],
  case_studies: ['導入事例', 'Case studies'],
  strengths: ['強み', 'Strengths'],
  weaknesses: ['弱み', 'Weaknesses'],
  add_product: ['商品を追加', 'Add product'],
  add_score: ['評価を追加', 'Add score'],
  add_case: ['事例を追加', 'Add case study'],
  criterion: ['評価項目', 'Criterion'],
  industry: ['業種', 'Industry'],
  size: ['規模', 'Size'],
  before: ['導入前', 'Before'],
  after: ['導入後', 'After'],
  // Tasks
  tasks_open: ['未完了', 'Open'],
  tasks_done: ['完了', 'Done'],
  overdue: ['期限切れ', 'Overdue'],
  assignee: ['担当者', 'Assignee'],
  // Trash
  trash_title: ['ゴミ箱', 'Trash'],
  trash_empty: ['ゴミ箱は空です', 'The trash is empty'],
  trash_range: ['全{n}件中 {from}〜{to}件目', '{from}–{to} of {n}'],
  trash_prev: ['← 前の{k}件', '← Previous {k}'],
  trash_next: ['次の{k}件 →', 'Next {k} →'],
  deleted_at: ['削除日時', 'Deleted at'],
  kind: ['種類', 'Kind'],
  name: ['名前', 'Name'],
  // Settings
  settings_title: ['設定', 'Settings'],
  users: ['事務所のメンバー', 'People in the office'],
  add_user: ['メンバーを追加', 'Add person'],
  mark_left: ['退職にする', 'Mark as left'],
  rejoin: ['在籍に戻す', 'Mark as active'],
  current_user: ['このパソコンを使う人', 'Who is using this computer'],
  current_user_none: ['(未選択)', '(nobody)'],
  language: ['表示言語', 'Language'],
  date_format: ['日付の表示', 'Dates'],
  wareki: ['和暦で表示する(令和・平成・昭和)', 'Show Japanese era years (Reiwa, Heisei, Showa)'],
  note_templates: ['議事録テンプレート', 'Note templates'],
  add_template: ['テンプレートを追加', 'Add template'],
  left: ['退職', 'Left'],
  active: ['在籍', 'Active'],
  device: ['端末ID', 'Device id'],
  // ---- issue 5: folder sync (screens/Sync.tsx, app/sync.tsx, Trash) ----
  nav_sync: ['同期', 'Sync'],
  sync_title: ['同期', 'Sync'],
  sync_intro: [
    '事務所のパソコンどうしで、共有フォルダー(社内の NAS や Dropbox・OneDrive・Google ドライブ)を通してデータをそろえます。サーバーは不要で、オフラインでも使えます。',
    'Keep the office’s computers in step through a shared folder (a NAS, Dropbox, OneDrive or Google Drive). No server needed; works offline.',
  ],
  sync_setup: ['同期の設定', 'Setup'],
  sync_folder: ['共有フォルダー', 'Shared folder'],
  sync_folder_hint: ['全員が同じフォルダーを指定します。フォルダーのパスを貼り付けてください。', 'Everyone chooses the same folder. Paste its path.'],
  sync_kind: ['同期のしかた', 'Sync through'],
  sync_kind_folder: ['共有フォルダー', 'Shared folder'],
  sync_kind_s3: ['S3互換ストレージ', 'S3-compatible storage'],
  sync_s3_endpoint: ['エンドポイント', 'Endpoint'],
  sync_s3_endpoint_hint: ['https:// から始まるアドレス。Amazon S3 そのものなら空欄のまま。', 'An address starting with https://; leave empty for Amazon S3 itself.'],
  sync_s3_bucket: ['バケット', 'Bucket'],
  sync_s3_prefix: ['プレフィックス', 'Prefix'],
  sync_s3_prefix_hint: ['バケットの中のフォルダー名(半角英数字、任意)。全員が同じものを指定します。', 'A folder inside the bucket (ASCII letters and digits, optional). Everyone uses the same one.'],
  sync_s3_access_key_id: ['アクセスキーID', 'Access key ID'],
  sync_s3_secret: ['シークレットキー', 'Secret key'],
  sync_s3_secret_saved: ['保存済み(変えるときだけ入力)', 'Saved (type only to change it)'],
  sync_s3_region: ['リージョン', 'Region'],
  sync_s3_region_hint: ['例: ap-northeast-1(東京)。空欄なら us-east-1。', 'e.g. ap-northeast-1 (Tokyo); empty means us-east-1.'],
  sync_test: ['接続をテスト', 'Test connection'],
  sync_testing: ['テスト中…', 'Testing…'],
  sync_test_ok: ['接続できました(ファイル {n} 件)。', 'Connected ({n} files there).'],
  sync_device_name: ['このパソコンの名前', 'This computer’s name'],
  sync_device_name_hint: ['ほかのパソコンにこの名前で表示されます。', 'Shown to the other computers.'],
  sync_passphrase: ['合言葉(暗号化・任意)', 'Passphrase (encryption, optional)'],
  sync_passphrase_hint: [
    'クラウドのフォルダーを使うときにおすすめです。全員が同じ合言葉を入力します。合言葉はこのパソコンのデータベースにだけ保存されます。',
    'Recommended for cloud folders. Everyone enters the same passphrase. It is kept in this computer’s database only.',
  ],
  sync_passphrase_saved: ['保存済み(変えるときだけ入力)', 'Saved (type only to change it)'],
  sync_passphrase_none: ['なし(暗号化しない)', 'None (no encryption)'],
  sync_passphrase_remove: ['合言葉を外す', 'Remove the passphrase'],
  sync_save: ['保存して同期', 'Save and sync'],
  sync_disable: ['同期をやめる', 'Stop syncing'],
  sync_disabled: ['同期をやめました', 'Sync stopped'],
  sync_done: ['同期しました', 'Synced'],
  sync_status: ['同期の状態', 'Status'],
  sync_now: ['今すぐ同期', 'Sync now'],
  sync_last: ['最後の同期', 'Last sync'],
  sync_never: ['まだ同期していません', 'Never'],
  sync_pending: ['未送信の変更', 'Changes not sent yet'],
  sync_n_changes: ['{n}件', '{n}'],
  sync_open_conflicts: ['未確認の競合', 'Open conflicts'],
  sync_last_round: ['前回の同期', 'Last round'],
  sync_report: ['受信 {received}件 · 送信 {sent}件 · 新しい競合 {conflicts}件', 'received {received} · sent {sent} · new conflicts {conflicts}'],
  sync_devices: ['同期しているパソコン', 'Computers'],
  sync_device: ['パソコン', 'Computer'],
  sync_last_seen: ['最後に見えた時刻', 'Last seen'],
  sync_this_device: ['このパソコン', 'This computer'],
  sync_retired: ['使用終了', 'Retired'],
  sync_retire: ['使用終了にする', 'Retire'],
  sync_retire_hint: ['もう使わないパソコンの確認を待たずに、古い同期ファイルを整理できるようにします', 'Stop waiting for this computer, so old sync files can be tidied up'],
  sync_retire_confirm: [
    '「{name}」をもう使わないパソコンとして扱いますか?このパソコンがまだ送っていない変更は届かなくなることがあります。',
    'Treat “{name}” as gone for good? Changes it has not sent yet may never arrive.',
  ],
  sync_retire_done: ['使用終了にしました', 'Retired'],
  sync_conflicts: ['競合の確認', 'Conflicts'],
  sync_conflicts_intro: [
    '2台のパソコンで同じ項目が同時に編集されたときは新しいほうが使われ、もう一方の値はここに残ります。どちらにするか選んでください。',
    'When two computers edit the same field at once, the newer value is used and the other is kept here. Choose which to keep.',
  ],
  sync_conflicts_none: ['確認が必要な競合はありません', 'No conflicts to review'],
  sync_conflict_record: ['データ', 'Record'],
  sync_conflict_field: ['項目', 'Field'],
  sync_conflict_current: ['今の値', 'Current value'],
  sync_conflict_other: ['もう一方の値', 'Other value'],
  sync_reason_deleted: ['削除と同時に編集されました', 'Edited while deleted elsewhere'],
  sync_value_deleted: ['(削除済み)', '(deleted)'],
  sync_empty_value: ['(空)', '(empty)'],
  sync_keep_current: ['今のままにする', 'Keep current'],
  sync_take_other: ['もう一方にする', 'Take the other'],
  sync_keep_deleted: ['削除のままにする', 'Keep deleted'],
  sync_take_edit: ['編集を残して復元', 'Restore with the edit'],
  sync_resolved: ['競合を解決しました', 'Conflict resolved'],
  sync_state_off: ['同期オフ', 'Sync off'],
  sync_state_syncing: ['同期中…', 'Syncing…'],
  sync_busy: ['同期中です。終わってからもう一度お試しください', 'A sync is running; try again when it has finished'],
  sync_state_error: ['同期エラー', 'Sync problem'],
  sync_state_conflicts: ['競合 {n}件', '{n} conflicts'],
  sync_state_pending: ['未送信 {n}件', '{n} not sent'],
  sync_state_ok: ['同期済み', 'Synced'],
  sync_state_never: ['未同期', 'Not synced yet'],
  trash_sync_conflict: ['同期の競合: 削除中にほかのパソコンで編集されました', 'Sync conflict: edited on another computer while deleted'],
  // Misc
  error_title: ['エラー', 'Error'],
  retry: ['再試行', 'Retry'],
  back: ['戻る', 'Back'],
  shortcuts: ['Ctrl+K 検索 · Ctrl+N 新規 · ? ショートカット一覧', 'Ctrl+K search · Ctrl+N new · ? shortcuts'],
  // ---- issue 4: search, duplicates, merge, readings ----
  nav_duplicates: ['重複', 'Duplicates'],
  search_everything: ['会社・担当者・案件・商品・活動を検索', 'Search companies, contacts, deals, products and activities'],
  match_exact_name: ['名前が一致', 'Exact name'],
  match_name_prefix: ['名前の先頭', 'Name starts with'],
  match_reading: ['読み', 'Reading'],
  match_name: ['名前', 'Name'],
  match_code: ['顧客コード', 'Customer code'],
  match_phone: ['電話番号', 'Phone'],
  match_email: ['メール', 'E-mail'],
  match_content: ['本文', 'Text'],
  list_search_capped: ['一致の多い上位{n}件だけを表示しています。語を足して絞り込んでください', 'Showing the best {n} matches only; add words to narrow it down'],
  dup_rule_corporate_number: ['法人番号が同じ', 'Same corporate number'],
  dup_rule_name_and_prefecture: ['社名と都道府県が同じ', 'Same name and prefecture'],
  dup_rule_name_and_postal: ['社名と郵便番号が同じ', 'Same name and postal code'],
  dup_rule_phone: ['電話番号が同じ', 'Same phone number'],
  dup_rule_email: ['メールアドレスが同じ', 'Same e-mail address'],
  dup_rule_person_and_company: ['同じ会社に同じ氏名', 'Same name at the same company'],
  dup_hint_title: ['同じ相手かもしれない登録がすでにあります', 'This may already be registered'],
  dup_hint_note: ['別の相手であればそのまま保存できます', 'If it is someone else, just save'],
  dup_owner: ['担当', 'Owner'],
  dup_no_owner: ['担当なし', 'No owner'],
  dup_last_contacted: ['最終接触', 'Last contacted'],
  dup_never_contacted: ['接触記録なし', 'Never contacted'],
  reading_suggest: ['読みを提案', 'Suggest reading'],
  reading_incomplete: ['一部の漢字の読みが辞書にありません。確認してください', 'Some kanji are not in the dictionary; please check'],
  reading_unavailable: ['読みの辞書がないため提案できません', 'No reading dictionary on this computer'],
  dups_title: ['重複の確認', 'Possible duplicates'],
  dups_lead: ['同じ相手かもしれない登録のまとまりです。2件を選んで統合できます(統合は元に戻せます)。', 'Groups of records that may be the same. Pick two to merge them (a merge can be undone).'],
  dups_none: ['重複の候補はありません', 'No possible duplicates'],
  dups_groups: ['{n}組', '{n} groups'],
  dups_pick_two: ['統合する2件を選んでください', 'Pick the two records to merge'],
  dups_merge: ['選んだ2件を統合…', 'Merge the two…'],
  dups_more: ['さらに表示', 'Show more'],
  merge_title: ['統合', 'Merge'],
  merge_keep: ['残すデータ', 'Keeps'],
  merge_removed: ['ゴミ箱へ', 'To the trash'],
  merge_swap: ['入れ替える', 'Swap'],
  merge_field: ['項目', 'Field'],
  merge_lead: ['値の異なる項目ごとに、残す値を選んでください。関連する担当者・活動・案件などはすべて残すデータに移ります。', 'For each differing field, choose the value to keep. Contacts, activities, deals and other related records all move to the record that stays.'],
  merge_same: ['同じ値の項目: {n}', 'Fields with the same value: {n}'],
  merge_no_diff: ['値の異なる項目はありません', 'No field differs'],
  merge_confirm: ['統合する', 'Merge'],
  merge_done: ['統合しました', 'Merged'],
  merge_history: ['統合の履歴', 'Merge history'],
  merge_history_none: ['統合の履歴はありません', 'No merges yet'],
  merge_undo: ['元に戻す', 'Undo'],
  merge_undone: ['統合を元に戻しました', 'Merge undone'],
  merge_undone_at: ['取り消し済み', 'Undone'],
  merge_moved: ['関連データ{n}件を移動', '{n} related records moved'],
  // ---- issue 6: import, export, mailing list, backup (screens/Import.tsx, components/Transfer.tsx, components/BackupSection.tsx) ----
  imp_title: ['データの取り込み', 'Import data'],
  imp_short: ['取り込み', 'Import'],
  imp_lead: ['Excel・CSV(UTF-8 / Shift_JIS)・vCardから取り込みます。取り込む前に結果を確認できます。', 'Import from Excel, CSV (UTF-8 / Shift_JIS) or vCard. You see the result before anything is written.'],
  imp_file: ['ファイル', 'File'],
  imp_kind: ['取り込む先', 'Import as'],
  imp_auto: ['自動', 'Automatic'],
  imp_encoding: ['文字コード', 'Encoding'],
  imp_sheet: ['シート', 'Sheet'],
  imp_on_match: ['登録済みと一致した行', 'Rows matching a record'],
  imp_on_match_update: ['上書き更新する', 'Update it'],
  imp_on_match_skip: ['スキップする', 'Skip the row'],
  imp_on_match_create: ['新規に作成する(重複を後で確認)', 'Create a new record anyway'],
  imp_pick_first: ['ファイルを選ぶと、取り込み内容の確認(ドライラン)が表示されます。', 'Choose a file to see what the import would do (dry run).'],
  imp_checking: ['確認中…', 'Checking…'],
  imp_header_row: ['見出し{n}行目', 'headers on row {n}'],
  imp_rows: ['行', 'Rows'],
  imp_create: ['新規', 'New'],
  imp_update: ['更新', 'Update'],
  imp_skip: ['スキップ', 'Skip'],
  imp_error: ['エラー', 'Errors'],
  imp_warning: ['警告', 'Warnings'],
  imp_dup_file: ['ファイル内の重複', 'Repeated in file'],
  imp_dup_db: ['登録済みと一致', 'Already registered'],
  imp_new_companies: ['新しい会社', 'New companies'],
  imp_unmapped: ['列「{h}」は取り込みません', 'Column “{h}” is not imported'],
  imp_required_unmapped: ['必須項目「{f}」に対応する列がありません', 'No column fills the required field “{f}”'],
  imp_mapping: ['列の対応付け', 'Column mapping'],
  imp_mapping_saved: ['前回の設定', 'Saved from last time'],
  imp_mapping_given: ['手動で変更', 'Edited'],
  imp_mapping_guessed: ['自動判定', 'Guessed'],
  imp_column: ['ファイルの列', 'Column in the file'],
  imp_field: ['項目', 'Field'],
  imp_ignore: ['(取り込まない)', '(ignore)'],
  imp_rows_title: ['行ごとの確認', 'Rows'],
  imp_error_csv: ['エラー行をCSVで保存', 'Download rows in error (CSV)'],
  imp_row: ['行', 'Row'],
  imp_action: ['処理', 'Action'],
  imp_notes: ['内容', 'Notes'],
  imp_rows_truncated: ['表示は最初の1000行までです。', 'Only the first 1000 rows are listed.'],
  imp_same_as_row: ['{n}行目と同じ相手', 'Same as row {n}'],
  imp_matches_db: ['登録済みのデータと一致', 'Matches a record'],
  imp_new_company: ['会社「{name}」も新規登録', 'Also creates company “{name}”'],
  imp_accept_errors: ['エラーの{n}行を除いて、正しい行だけ取り込む', 'Leave out the {n} rows in error and import the good rows only'],
  imp_run: ['取り込む({n}件)', 'Import ({n})'],
  imp_reading: ['確認中…', 'Checking…'],
  imp_checking_rows: ['確認中 {d} / {n} 行', 'Checking {d} / {n} rows'],
  imp_check_cancelled: ['確認を中止しました。', 'Check cancelled.'],
  imp_writing: ['取り込み中 {d} / {n} 行', 'Importing {d} / {n} rows'],
  imp_indexing: ['検索と重複チェック用の索引を作成中 {p}%', 'Building the search and duplicate index {p}%'],
  imp_cancelling: ['中止しています…', 'Cancelling…'],
  imp_cancelled: ['中止しました。データは変更されていません。', 'Cancelled. Nothing was changed.'],
  imp_done: ['取り込みました: 新規 {c} 件、更新 {u} 件、スキップ {s} 件、エラーで除外 {f} 件。', 'Imported: {c} new, {u} updated, {s} skipped, {f} left out.'],
  imp_done_companies: ['会社 {n} 件も作成しました。', '{n} companies were created too.'],
  imp_done_users: ['ユーザー {n} 名も作成しました。', '{n} users were created too.'],
  imp_kind_guessed: ['この表は『{kind}』として読み込みます(推定)', 'This table is read as {kind} (guessed)'],
  imp_kind_chosen: ['この表は『{kind}』として読み込みます', 'This table is read as {kind}'],
  imp_kind_change: ['違う場合は変更:', 'Not right? Change it:'],
  imp_create_users: ['存在しない担当者 {n} 名をユーザーとして作成する', 'Create the {n} missing users'],
  imp_create_users_hint: [
    '次の担当者はユーザーに登録されていないため、その行はエラーになります。チェックすると、取り込みと一緒にユーザーを作成して紐づけます。',
    'These people are not users yet, so their rows are errors. Tick the box to create them with the import and link the rows.',
  ],
  imp_create_users_list: ['取り込みと一緒に次のユーザーを作成し、行に紐づけます。', 'These users are created with the import and linked to their rows.'],
  imp_missing_user: ['{name}({n} 行)', '{name} ({n} rows)'],
  imp_open_list: ['一覧を見る', 'Open the list'],
  exp_short: ['書き出し', 'Export'],
  exp_title: ['一覧を書き出す', 'Export the list'],
  exp_scope_all: ['すべての行を書き出します', 'Every row is exported'],
  exp_scope_filtered: ['いまの絞り込み条件で書き出します', 'Rows matching the current filters are exported'],
  exp_csv_utf8: ['CSV(UTF-8 BOM付き・新しいExcel)', 'CSV (UTF-8 with BOM)'],
  exp_csv_sjis: ['CSV(Shift_JIS・古いExcel)', 'CSV (Shift_JIS, old Excel)'],
  exp_vcard: ['vCard 4.0(名刺・連絡先アプリ)', 'vCard 4.0'],
  exp_download: ['ダウンロード', 'Download'],
  exp_running: ['書き出し中…', 'Exporting…'],
  exp_done: ['{n}件を書き出しました', 'Exported {n} rows'],
  exp_warnings: ['書き出したファイルに注意が{n}件あります。送る前に確かめてください', 'The file has {n} warnings; check them before you send it'],
  dm_short: ['DM宛名', 'Mailing list'],
  dm_title: ['DM(郵送)宛名リスト', 'Mailing list (DM)'],
  dm_computing: [
    '宛名リストを作成しています…(件数が多いと数秒かかります。その間もほかの画面は使えます)',
    'Making the list… (a few seconds for many contacts; the rest of the app stays usable meanwhile)',
  ],
  dm_lead: ['現在の部署・役職・住所のみを使います。宛先不明・移転の住所、合併・閉鎖した会社は除きます。', 'Current department, title and address only; bounced or moved addresses and merged or closed companies are left out.'],
  dm_exclude_bought: ['最近購入した顧客を除く: 過去', 'Leave out customers who bought within'],
  dm_days: ['日以内', 'days'],
  dm_exclude_lost: ['失注・取引終了の会社を除く', 'Leave out lost companies'],
  dm_count: ['件の宛名', 'addresses'],
  dm_excluded: ['除外', 'Left out'],
  dm_ex_contact_bounced: ['担当者の住所が宛先不明', 'contact address bounced'],
  dm_ex_contact_moved: ['担当者が移転', 'contact moved'],
  dm_ex_company_bounced: ['会社の住所が宛先不明', 'company address bounced'],
  dm_ex_company_moved: ['会社が移転', 'company moved'],
  dm_ex_company_closed: ['合併・閉鎖した会社', 'merged or closed company'],
  dm_ex_company_status: ['ステータスで除外', 'company status'],
  dm_ex_bought_recently: ['最近購入', 'bought recently'],
  dm_ex_no_address: ['住所なし', 'no address'],
  bk_title: ['バックアップ', 'Backup'],
  bk_now: ['今すぐバックアップ', 'Back up now'],
  bk_now_button: ['今すぐバックアップ', 'Back up now'],
  bk_path: ['保存先のファイル', 'Backup file'],
  bk_done: ['バックアップしました: {path}', 'Backed up: {path}'],
  bk_auto: ['自動バックアップ(毎日)', 'Automatic daily backup'],
  bk_auto_on: ['毎日自動でバックアップする', 'Back up automatically every day'],
  bk_keep: ['残す世代数(日)', 'Days to keep'],
  bk_dir: ['保存先フォルダ(空欄: データベースと同じ場所の backups)', 'Folder (empty: “backups” beside the database)'],
  bk_restore: ['バックアップから復元', 'Restore from a backup'],
  bk_restore_lead: ['復元すると、いまのデータはすべてバックアップの内容に置き換わります(いまのデータは別ファイルに保存されます)。', 'Restoring replaces all data with the backup’s (the current data is kept in a separate file).'],
  bk_none: ['{dir} にバックアップはまだありません', 'No backups in {dir} yet'],
  bk_restore_path: ['バックアップファイルのパス', 'Path of a backup file'],
  bk_confirm_title: ['バックアップから復元しますか?', 'Restore from this backup?'],
  bk_confirm: ['「{file}」の内容で、すべてのデータを置き換えます。', 'All data will be replaced by the contents of “{file}”.'],
  bk_confirm_keep: ['いまのデータは「.before-restore」ファイルとしてデータベースの隣に残ります。', 'The current data is kept beside the database as a “.before-restore” file.'],
  bk_restore_button: ['復元する', 'Restore'],
  bk_backing_up: ['バックアップ中…', 'Backing up…'],
  restoring_title: ['復元中…', 'Restoring…'],
  restoring_lead: [
    'バックアップから復元しています。終わるまでお待ちください。終わると、復元したデータで画面を開き直します。',
    'Restoring from a backup; wait until it finishes. The app then opens again on the restored data.',
  ],
  file_saved_to: ['保存しました: {path}', 'Saved: {path}'],
  // ---- issue 5: attachments (components/Attachments.tsx) and the folder picker (screens/Sync.tsx) ----
  att_title: ['添付ファイル', 'Attachments'],
  att_add: ['ファイルを添付', 'Attach a file'],
  att_uploading: ['添付しています…', 'Attaching…'],
  att_added: ['{n}件のファイルを添付しました', 'Attached {n} file(s)'],
  att_none: ['添付ファイルはありません', 'No attachments'],
  att_open: ['開く', 'Open'],
  att_delete: ['ゴミ箱へ移動', 'Move to trash'],
  att_pending: ['同期待ち', 'Waiting for sync'],
  att_pending_hint: ['ほかのパソコンからファイルがまだ届いていません。次の同期で届きます。', 'The file has not arrived from the other computer yet; it comes with a later sync.'],
  att_hint: ['名刺の画像や資料をここにドロップしても添付できます(1ファイル20MBまで)。', 'You can also drop business-card images or documents here (up to 20 MB each).'],
  att_save_first: ['保存すると、ファイルを添付できます。', 'Save first to attach files.'],
  sync_browse: ['参照…', 'Browse…'],
  sync_att_pending: ['{n}件のファイルがほかのパソコンから届くのを待っています', '{n} file(s) still coming from the other computers'],
  // ---- issue 23, item 4: rough edges (not-found page, shortcuts, about) ----
  activity_filter_text: ['件名・内容・会社名・担当者名で検索', 'Search subject, content, company or contact'],
  shortcut_new_title: ['新規作成 (Ctrl+N)', 'New (Ctrl+N)'],
  notfound_title: ['ページが見つかりません', 'Page not found'],
  notfound_lead: ['アドレスが間違っているか、ページが移動しました。', 'The address is wrong or the page has moved.'],
  notfound_record: [
    'この記録は見つかりません。削除されたか、ほかのパソコンからまだ同期されていない可能性があります。ゴミ箱も確認してください。',
    'This record could not be found. It may have been deleted, or not synced from another computer yet. Check the trash too.',
  ],
  notfound_home: ['ホームへ戻る', 'Back to Home'],
  notfound_trash: ['ゴミ箱を開く', 'Open the trash'],
  keys_title: ['キーボードショートカット', 'Keyboard shortcuts'],
  keys_open: ['ショートカット一覧 (?)', 'Keyboard shortcuts (?)'],
  keys_group_global: ['どの画面でも', 'Anywhere'],
  keys_group_search: ['検索 (Ctrl+K)', 'Search (Ctrl+K)'],
  keys_group_lists: ['一覧', 'Lists'],
  keys_group_forms: ['入力欄・ダイアログ', 'Forms and dialogs'],
  keys_group_deals: ['案件ボード', 'Deal board'],
  keys_search: ['検索を開く・閉じる', 'Open or close search'],
  keys_new: ['表示中の一覧に新規作成', 'New record in the list on screen'],
  keys_help: ['このショートカット一覧を表示', 'Show this list of shortcuts'],
  keys_close: ['ダイアログ・検索を閉じる', 'Close a dialog or the search'],
  keys_move: ['候補・行を移動', 'Move between results or rows'],
  keys_page: ['1ページ分移動', 'Move by a page'],
  keys_ends: ['先頭・末尾へ', 'Go to the first or last'],
  keys_open_row: ['選択中の記録を開く', 'Open the selected record'],
  keys_tab: ['ダイアログ内で次・前の項目へ', 'Next or previous field in a dialog'],
  keys_tag_add: ['タグを確定', 'Add the tag'],
  keys_tag_remove: ['(空欄で)最後のタグを削除', 'Remove the last tag (in an empty box)'],
  keys_pick: ['候補を選ぶ(会社・担当者の選択欄)', 'Pick a suggestion (company or contact picker)'],
  keys_stage: ['案件のステージを移す', 'Move a deal to the next or previous stage'],
  keys_edit_card: ['案件を編集', 'Edit the deal'],
  about_title: ['バージョン情報', 'About Daifuku'],
  about_open: ['バージョン情報・問い合わせ用情報', 'About and support information'],
  about_lead: ['お問い合わせの際は、下の情報をコピーして送ってください。顧客データは含まれません。', 'When asking for help, copy the information below and send it. It contains no customer data.'],
  about_version: ['バージョン', 'Version'],
  about_schema: ['データベースの版', 'Database schema'],
  about_os: ['OS・ブラウザ', 'OS and browser'],
  about_db_path: ['データベースファイル', 'Database file'],
  about_db_size: ['データベースのサイズ', 'Database size'],
  about_in_memory: ['(メモリ上・ファイルなし)', '(in memory, no file)'],
  about_counts: ['記録の件数', 'Records'],
  about_log: ['ログ', 'Log'],
  about_log_stderr: ['ログ: 標準エラー出力(ログファイルは作成しません)', 'Log: standard error output (no log file is written)'],
  about_copy: ['問い合わせ用情報をコピー', 'Copy support information'],
  about_copied: ['コピーしました', 'Copied'],
  about_copy_failed: ['コピーできませんでした。下の枠の文字を選んでコピーしてください', 'Could not copy; select the text in the box below and copy it'],
  about_support_text: ['問い合わせ用情報', 'Support information'],
} as const;

export type DictKey = keyof typeof DICT;

export function translate(lang: Lang, key: DictKey, vars?: Record<string, string | number>): string {
  const entry = DICT[key];
  let s: string = entry ? entry[lang === 'ja' ? 0 : 1] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

/** Japanese / English labels of enum values (field-specific entries win). */
export const ENUM_LABELS: Record<string, [string, string]> = {
  // company status
  prospect: ['見込み客', 'Prospect'],
  customer: ['顧客', 'Customer'],
  dormant: ['休眠', 'Dormant'],
  lost: ['失注', 'Lost'],
  // address status
  ok: ['正常', 'OK'],
  bounced: ['不達', 'Bounced'],
  moved: ['移転', 'Moved'],
  // relations
  parent: ['親会社', 'Parent'],
  subsidiary: ['子会社', 'Subsidiary'],
  affiliate: ['関連会社', 'Affiliate'],
  merged_into: ['合併先', 'Merged into'],
  acquired_by: ['買収元', 'Acquired by'],
  moved_to: ['移転・承継先', 'Moved to'],
  // decision roles
  decision_maker: ['決裁者', 'Decision maker'],
  influencer: ['影響者', 'Influencer'],
  gatekeeper: ['窓口', 'Gatekeeper'],
  user: ['利用者', 'User'],
  // gender
  female: ['女性', 'Female'],
  male: ['男性', 'Male'],
  other: ['その他', 'Other'],
  // activity kinds
  meeting: ['商談', 'Meeting'],
  inquiry: ['問い合わせ', 'Inquiry'],
  call: ['電話', 'Call'],
  visit: ['訪問', 'Visit'],
  email: ['メール', 'E-mail'],
  info_report: ['情報報告', 'Info report'],
  // channels and means
  phone: ['電話', 'Phone'],
  web: ['Web', 'Web'],
  fax: ['FAX', 'Fax'],
  face_to_face: ['対面', 'Face to face'],
  document: ['文書', 'Document'],
  // factuality
  fact: ['事実', 'Fact'],
  speculation: ['推測', 'Speculation'],
  // deal stages
  lead: ['リード', 'Lead'],
  qualified: ['見込み確定', 'Qualified'],
  proposal: ['提案', 'Proposal'],
  negotiation: ['交渉', 'Negotiation'],
  won: ['受注', 'Won'],
  // products
  own: ['自社', 'Own'],
  competitor: ['競合', 'Competitor'],
  '5': ['5段階', '1–5'],
  '10': ['10段階', '1–10'],
  // company sizes
  micro: ['零細(〜5名)', 'Micro'],
  small: ['小規模(〜50名)', 'Small'],
  medium: ['中規模(〜300名)', 'Medium'],
  large: ['大規模(300名〜)', 'Large'],
  enterprise: ['大企業・上場', 'Enterprise'],
  // purchase status
  active: ['契約中', 'Active'],
  renewed: ['更新済', 'Renewed'],
  expired: ['満了', 'Expired'],
  cancelled: ['解約', 'Cancelled'],
};

const FIELD_ENUM_LABELS: Record<string, Record<string, [string, string]>> = {
  'channel.visit': { visit: ['来訪', 'Visit'] },
  'status.lost': { lost: ['失注', 'Lost'] },
};

export function enumLabel(lang: Lang, value: string | null | undefined, field?: string): string {
  if (value == null || value === '') return '';
  const specific = field ? FIELD_ENUM_LABELS[`${field}.${value}`]?.[value] : undefined;
  const e = specific ?? ENUM_LABELS[value];
  return e ? e[lang === 'ja' ? 0 : 1] : value;
}

const SECTION_LABELS: Record<string, [string, string]> = {
  basic: ['基本情報', 'Basics'],
  contact: ['連絡先', 'Contact details'],
  organization: ['組織', 'Organization'],
  business: ['事業', 'Business'],
  finance: ['財務', 'Finance'],
  decision: ['意思決定', 'Decision making'],
  credit: ['信用情報', 'Credit'],
  personal: ['個人情報', 'Personal'],
  report: ['情報報告', 'Information report'],
};

export function sectionLabel(lang: Lang, section: string): string {
  const s = SECTION_LABELS[section];
  return s ? s[lang === 'ja' ? 0 : 1] : section;
}

export function fieldLabel(lang: Lang, def: Pick<FieldDef, 'label_ja' | 'label_en'>): string {
  return lang === 'ja' ? def.label_ja : def.label_en;
}

export function kindLabel(lang: Lang, meta: Pick<KindMeta, 'label_ja' | 'label_en'> | undefined, fallback = ''): string {
  if (!meta) return fallback;
  return lang === 'ja' ? meta.label_ja : meta.label_en;
}

// Money, counts and sizes: ./format (formatYen, formatYenShort, formatNumber, useFormat).

// ---- preferences (UI only, kept in localStorage) ----------------------------

export interface Prefs {
  lang: Lang;
  wareki: boolean;
}

const PREFS_KEY = 'daifuku.prefs';

export function loadPrefs(): Prefs {
  try {
    const raw = localStorage.getItem(PREFS_KEY);
    if (raw) {
      const p = JSON.parse(raw) as Partial<Prefs>;
      return { lang: p.lang === 'en' ? 'en' : 'ja', wareki: !!p.wareki };
    }
  } catch {
    /* ignore */
  }
  return { lang: 'ja', wareki: false };
}

export function savePrefs(p: Prefs): void {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(p));
  } catch {
    /* ignore */
  }
}

export interface PrefsApi extends Prefs {
  setPrefs: (p: Partial<Prefs>) => void;
}

export const PrefsContext = createContext<PrefsApi>({ lang: 'ja', wareki: false, setPrefs: () => {} });

/** The current language and helpers bound to it. */
export function useI18n() {
  const prefs = useContext(PrefsContext);
  const { lang } = prefs;
  return {
    ...prefs,
    t: (key: DictKey, vars?: Record<string, string | number>) => translate(lang, key, vars),
    label: (def: Pick<FieldDef, 'label_ja' | 'label_en'>) => fieldLabel(lang, def),
    enumLabel: (value: string | null | undefined, field?: string) => enumLabel(lang, value, field),
    section: (s: string) => sectionLabel(lang, s),
    kindLabel: (meta: Pick<KindMeta, 'label_ja' | 'label_en'> | undefined, fallback = '') => kindLabel(lang, meta, fallback),
  };
}
