// Pipeline arithmetic for the deals kanban (pure, unit-tested).

export const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type Stage = (typeof STAGES)[number];

export interface DealLike {
  stage: string;
  amount: number | null;
  probability?: number | null;
}

export interface StageTotal {
  stage: string;
  count: number;
  /** Sum of amounts (deals without an amount count as 0). */
  sum: number;
  /** Sum of amount × probability. */
  weighted: number;
}

/** Count and amount per stage, in pipeline order; unknown stages are appended. */
export function stageTotals(deals: DealLike[], stages: readonly string[] = STAGES): StageTotal[] {
  const map = new Map<string, StageTotal>();
  for (const s of stages) map.set(s, { stage: s, count: 0, sum: 0, weighted: 0 });
  for (const d of deals) {
    let t = map.get(d.stage);
    if (!t) {
      t = { stage: d.stage, count: 0, sum: 0, weighted: 0 };
      map.set(d.stage, t);
    }
    const amount = d.amount ?? 0;
    t.count += 1;
    t.sum += amount;
    t.weighted += (amount * (d.probability ?? 0)) / 100;
  }
  return [...map.values()];
}

/** The open pipeline: every stage but won and lost. */
export function openPipeline(totals: StageTotal[]): { count: number; sum: number; weighted: number } {
  return totals
    .filter((t) => t.stage !== 'won' && t.stage !== 'lost')
    .reduce((a, t) => ({ count: a.count + t.count, sum: a.sum + t.sum, weighted: a.weighted + t.weighted }), { count: 0, sum: 0, weighted: 0 });
}

/** Moves a deal to another stage in a list (optimistic update). */
export function moveDeal<T extends { id: string; data: DealLike }>(deals: T[], id: string, stage: string): T[] {
  return deals.map((d) => (d.id === id ? { ...d, data: { ...d.data, stage } } : d));
}
