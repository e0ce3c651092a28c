// Small per-kind layouts for the shared record engine: which fields a quick
// "add" dialog asks for, and the order of sections on a record page. The
// fields themselves (labels, types, choices) always come from the schema.

import type { Kind } from './bindings/Kind';

export interface KindLayout {
  /** Fields of the add dialog, in order (default: every field). */
  quick?: string[];
  /** Section order on the record page. */
  sections?: string[];
}

export const LAYOUTS: Partial<Record<Kind, KindLayout>> = {
  company: {
    quick: ['name', 'name_reading', 'corporate_number', 'status', 'rank', 'owner_id', 'industry', 'postal_code', 'prefecture', 'city', 'street', 'phone', 'email', 'website', 'tags'],
    sections: ['basic', 'contact', 'organization', 'business', 'finance', 'decision', 'credit'],
  },
  contact: {
    quick: ['company_id', 'family_name', 'given_name', 'family_reading', 'given_reading', 'department', 'title', 'decision_role', 'importance', 'email', 'phone', 'mobile', 'owner_id'],
    sections: ['basic', 'contact', 'personal'],
  },
  task: { quick: ['title', 'due', 'assignee_id', 'company_id', 'contact_id', 'deal_id', 'notes'] },
  deal: { quick: ['company_id', 'title', 'stage', 'amount', 'expected_close', 'probability', 'owner_id', 'contact_id', 'product_id', 'notes'] },
  purchase: {
    quick: ['company_id', 'product_id', 'product_name', 'contact_id', 'unit_price', 'quantity', 'amount', 'contract_date', 'start_date', 'expiry_date', 'renewal_date', 'delivery_date', 'status', 'deal_id', 'notes'],
  },
  company_financial: { quick: ['company_id', 'fiscal_year', 'revenue', 'ordinary_profit', 'department_sales', 'notes'] },
  company_relation: { quick: ['company_id', 'relation', 'related_company_id', 'related_name', 'since', 'notes'] },
  card_exchange: { quick: ['contact_id', 'exchanged_on', 'place', 'our_user_id', 'importance', 'context'] },
  contact_position: { quick: ['contact_id', 'department', 'title', 'from_date', 'to_date'] },
  product: { quick: ['name', 'name_reading', 'side', 'maker', 'category', 'price', 'unit', 'competes_with_id', 'website', 'description', 'strengths', 'weaknesses'] },
  product_score: { quick: ['product_id', 'criterion', 'scale', 'score', 'notes'] },
  case_study: { quick: ['title', 'product_id', 'company_id', 'customer_name', 'industry', 'company_size', 'before', 'after'] },
  user: { quick: ['name', 'name_reading', 'email'] },
  note_template: { quick: ['name', 'activity_kind', 'body'] },
};
