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
  search_placeholder: ['会社・担当者を検索', 'Search companies and people'],
  search_hint: ['Ctrl+K', 'Ctrl+K'],
  search_none: ['見つかりませんでした', 'Nothing found'],
  search_type: ['入力すると検索します(かな・電話番号でも)', 'Type to search (names, readings)'],
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
  // Misc
  error_title: ['エラー', 'Error'],
  retry: ['再試行', 'Retry'],
  back: ['戻る', 'Back'],
  shortcuts: ['Ctrl+K 検索 · Ctrl+N 新規 · Esc 閉じる', 'Ctrl+K search · Ctrl+N new · Esc close'],
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

/** Money: `¥1,234,000`. */
export function formatYen(n: number | null | undefined): string {
  if (n == null) return '';
  return '¥' + Math.round(n).toLocaleString('ja-JP');
}

/** Money in 万円 for dense places (Japanese) or ¥ thousands (English). */
export function formatYenShort(lang: Lang, n: number | null | undefined): string {
  if (n == null) return '';
  if (lang === 'ja') {
    if (Math.abs(n) >= 100_000_000) return `${(n / 100_000_000).toLocaleString('ja-JP', { maximumFractionDigits: 1 })}億円`;
    if (Math.abs(n) >= 10_000) return `${Math.round(n / 10_000).toLocaleString('ja-JP')}万円`;
    return `${n.toLocaleString('ja-JP')}円`;
  }
  if (Math.abs(n) >= 1_000_000) return `¥${(n / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 })}M`;
  return formatYen(n);
}

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
