-- The record tables: one per record type, one column per field (see src/model.rs).
-- Record references are checked by the core on every write rather than by
-- FOREIGN KEY clauses: folder sync applies other devices' changes in any
-- order (a contact may arrive before its company).

CREATE TABLE companies (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    code TEXT,
    name TEXT NOT NULL,
    name_reading TEXT,
    corporate_number TEXT,
    status TEXT,
    rank TEXT,
    owner_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    postal_code TEXT,
    prefecture TEXT,
    city TEXT,
    street TEXT,
    building TEXT,
    address_status TEXT,
    phone TEXT,
    fax TEXT,
    email TEXT,
    website TEXT,
    sns TEXT NOT NULL DEFAULT '[]',
    representative TEXT,
    representative_title TEXT,
    founded TEXT,
    history TEXT,
    employees INTEGER,
    average_age REAL,
    female_ratio REAL,
    officers TEXT,
    sites INTEGER,
    associations TEXT NOT NULL DEFAULT '[]',
    industry TEXT,
    business_description TEXT,
    market_position TEXT,
    target_market TEXT,
    reputation TEXT,
    first_deal_trigger TEXT,
    capital INTEGER,
    fiscal_month INTEGER,
    banks TEXT NOT NULL DEFAULT '[]',
    purchase_process TEXT,
    meeting_timing TEXT,
    credit_score INTEGER,
    credit_source TEXT,
    credit_date TEXT,
    notes TEXT
) STRICT;
CREATE INDEX companies_by_sort_key ON companies (sort_key) WHERE deleted_at IS NULL;
-- Not UNIQUE: the core checks it on every write; a sync merge must never fail on it.
CREATE INDEX companies_by_code ON companies (code) WHERE code IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX companies_by_owner_id ON companies (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX companies_trash ON companies (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE company_financials (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    company_id TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    revenue INTEGER,
    ordinary_profit INTEGER,
    department_sales TEXT NOT NULL DEFAULT '[]',
    notes TEXT
) STRICT;
CREATE INDEX company_financials_by_fiscal_year ON company_financials (fiscal_year) WHERE deleted_at IS NULL;
CREATE INDEX company_financials_by_company_id ON company_financials (company_id) WHERE deleted_at IS NULL;
CREATE INDEX company_financials_trash ON company_financials (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE company_relations (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    company_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    related_company_id TEXT,
    related_name TEXT,
    since TEXT,
    notes TEXT
) STRICT;
CREATE INDEX company_relations_by_created_at ON company_relations (created_at) WHERE deleted_at IS NULL;
CREATE INDEX company_relations_by_company_id ON company_relations (company_id) WHERE deleted_at IS NULL;
CREATE INDEX company_relations_by_related_company_id ON company_relations (related_company_id) WHERE deleted_at IS NULL;
CREATE INDEX company_relations_trash ON company_relations (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    company_id TEXT,
    family_name TEXT NOT NULL,
    given_name TEXT,
    family_reading TEXT,
    given_reading TEXT,
    department TEXT,
    title TEXT,
    decision_role TEXT,
    importance INTEGER,
    owner_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    email TEXT,
    phone TEXT,
    mobile TEXT,
    postal_code TEXT,
    address TEXT,
    address_status TEXT,
    birthday TEXT,
    gender TEXT,
    education TEXT,
    hobbies TEXT,
    family TEXT,
    relationships TEXT,
    memos TEXT
) STRICT;
CREATE INDEX contacts_by_sort_key ON contacts (sort_key) WHERE deleted_at IS NULL;
CREATE INDEX contacts_by_company_id ON contacts (company_id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_by_owner_id ON contacts (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_trash ON contacts (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE contact_positions (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    contact_id TEXT NOT NULL,
    department TEXT,
    title TEXT,
    from_date TEXT,
    to_date TEXT
) STRICT;
CREATE INDEX contact_positions_by_from_date ON contact_positions (from_date) WHERE deleted_at IS NULL;
CREATE INDEX contact_positions_by_contact_id ON contact_positions (contact_id) WHERE deleted_at IS NULL;
CREATE INDEX contact_positions_trash ON contact_positions (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE card_exchanges (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    contact_id TEXT NOT NULL,
    exchanged_on TEXT NOT NULL,
    place TEXT,
    our_user_id TEXT,
    context TEXT,
    importance INTEGER
) STRICT;
CREATE INDEX card_exchanges_by_exchanged_on ON card_exchanges (exchanged_on) WHERE deleted_at IS NULL;
CREATE INDEX card_exchanges_by_contact_id ON card_exchanges (contact_id) WHERE deleted_at IS NULL;
CREATE INDEX card_exchanges_by_our_user_id ON card_exchanges (our_user_id) WHERE deleted_at IS NULL;
CREATE INDEX card_exchanges_trash ON card_exchanges (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE activities (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    subject TEXT,
    company_id TEXT,
    contact_ids TEXT NOT NULL DEFAULT '[]',
    other_attendees TEXT,
    our_attendee_ids TEXT NOT NULL DEFAULT '[]',
    deal_id TEXT,
    channel TEXT,
    content TEXT,
    outcome TEXT,
    answered_by_id TEXT,
    next_steps TEXT,
    next_date TEXT,
    template_id TEXT,
    info_kind TEXT,
    source_who TEXT,
    source_where TEXT,
    source_situation TEXT,
    means TEXT,
    factuality TEXT,
    credibility INTEGER,
    importance INTEGER,
    urgency INTEGER,
    how_to_use TEXT,
    to_find_out TEXT,
    supervisor_decision TEXT,
    shared_with_ids TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX activities_by_occurred_at ON activities (occurred_at) WHERE deleted_at IS NULL;
CREATE INDEX activities_by_company_id ON activities (company_id, occurred_at) WHERE deleted_at IS NULL;
CREATE INDEX activities_by_deal_id ON activities (deal_id) WHERE deleted_at IS NULL;
CREATE INDEX activities_by_answered_by_id ON activities (answered_by_id) WHERE deleted_at IS NULL;
CREATE INDEX activities_by_template_id ON activities (template_id) WHERE deleted_at IS NULL;
CREATE INDEX activities_trash ON activities (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    due TEXT,
    assignee_id TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    done_on TEXT,
    company_id TEXT,
    contact_id TEXT,
    activity_id TEXT,
    deal_id TEXT,
    notes TEXT
) STRICT;
CREATE INDEX tasks_by_due ON tasks (due) WHERE deleted_at IS NULL;
CREATE INDEX tasks_by_assignee_id ON tasks (assignee_id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_by_company_id ON tasks (company_id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_by_contact_id ON tasks (contact_id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_by_activity_id ON tasks (activity_id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_by_deal_id ON tasks (deal_id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_trash ON tasks (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE deals (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    company_id TEXT NOT NULL,
    title TEXT NOT NULL,
    stage TEXT NOT NULL,
    amount INTEGER,
    expected_close TEXT,
    probability INTEGER,
    owner_id TEXT,
    contact_id TEXT,
    product_id TEXT,
    lost_reason TEXT,
    notes TEXT
) STRICT;
CREATE INDEX deals_by_expected_close ON deals (expected_close) WHERE deleted_at IS NULL;
CREATE INDEX deals_by_company_id ON deals (company_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_by_owner_id ON deals (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_by_contact_id ON deals (contact_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_by_product_id ON deals (product_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_trash ON deals (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    name_reading TEXT,
    side TEXT NOT NULL,
    maker TEXT,
    category TEXT,
    price INTEGER,
    unit TEXT,
    competes_with_id TEXT,
    description TEXT,
    strengths TEXT,
    weaknesses TEXT,
    website TEXT
) STRICT;
CREATE INDEX products_by_sort_key ON products (sort_key) WHERE deleted_at IS NULL;
CREATE INDEX products_by_competes_with_id ON products (competes_with_id) WHERE deleted_at IS NULL;
CREATE INDEX products_trash ON products (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE product_scores (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    product_id TEXT NOT NULL,
    criterion TEXT NOT NULL,
    scale TEXT NOT NULL,
    score INTEGER NOT NULL,
    notes TEXT
) STRICT;
CREATE INDEX product_scores_by_criterion ON product_scores (criterion) WHERE deleted_at IS NULL;
CREATE INDEX product_scores_by_product_id ON product_scores (product_id) WHERE deleted_at IS NULL;
CREATE INDEX product_scores_trash ON product_scores (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE case_studies (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    product_id TEXT,
    company_id TEXT,
    customer_name TEXT,
    industry TEXT,
    company_size TEXT,
    before TEXT,
    after TEXT
) STRICT;
CREATE INDEX case_studies_by_sort_key ON case_studies (sort_key) WHERE deleted_at IS NULL;
CREATE INDEX case_studies_by_product_id ON case_studies (product_id) WHERE deleted_at IS NULL;
CREATE INDEX case_studies_by_company_id ON case_studies (company_id) WHERE deleted_at IS NULL;
CREATE INDEX case_studies_trash ON case_studies (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE purchases (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    company_id TEXT NOT NULL,
    contact_id TEXT,
    product_id TEXT,
    product_name TEXT,
    unit_price INTEGER,
    quantity REAL,
    amount INTEGER,
    contract_date TEXT,
    start_date TEXT,
    expiry_date TEXT,
    renewal_date TEXT,
    delivery_date TEXT,
    status TEXT,
    deal_id TEXT,
    notes TEXT
) STRICT;
CREATE INDEX purchases_by_contract_date ON purchases (contract_date) WHERE deleted_at IS NULL;
CREATE INDEX purchases_by_company_id ON purchases (company_id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_by_contact_id ON purchases (contact_id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_by_product_id ON purchases (product_id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_by_deal_id ON purchases (deal_id) WHERE deleted_at IS NULL;
CREATE INDEX purchases_trash ON purchases (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    name_reading TEXT,
    email TEXT,
    active INTEGER NOT NULL DEFAULT 0,
    left_on TEXT
) STRICT;
CREATE INDEX users_by_sort_key ON users (sort_key) WHERE deleted_at IS NULL;
CREATE INDEX users_trash ON users (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE note_templates (
    id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    deleted_at INTEGER,
    deleted_by TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    activity_kind TEXT,
    body TEXT
) STRICT;
CREATE INDEX note_templates_by_sort_key ON note_templates (sort_key) WHERE deleted_at IS NULL;
CREATE INDEX note_templates_trash ON note_templates (deleted_at) WHERE deleted_at IS NOT NULL;

