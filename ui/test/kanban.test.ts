import { describe, expect, it } from 'vitest';
import { moveDeal, openPipeline, stageTotals } from '../src/kanban';

describe('stage totals', () => {
  const deals = [
    { stage: 'lead', amount: 100_000, probability: 10 },
    { stage: 'lead', amount: null, probability: null },
    { stage: 'proposal', amount: 2_000_000, probability: 50 },
    { stage: 'won', amount: 500_000, probability: 100 },
    { stage: 'lost', amount: 300_000, probability: 0 },
  ];

  it('counts and sums every stage in pipeline order, empty stages included', () => {
    expect(stageTotals(deals).map((t) => [t.stage, t.count, t.sum])).toEqual([
      ['lead', 2, 100_000],
      ['qualified', 0, 0],
      ['proposal', 1, 2_000_000],
      ['negotiation', 0, 0],
      ['won', 1, 500_000],
      ['lost', 1, 300_000],
    ]);
  });

  it('weights by probability', () => {
    const byStage = Object.fromEntries(stageTotals(deals).map((t) => [t.stage, t.weighted]));
    expect(byStage.lead).toBe(10_000);
    expect(byStage.proposal).toBe(1_000_000);
  });

  it('keeps deals of an unknown stage visible', () => {
    const t = stageTotals([{ stage: 'paused', amount: 1, probability: null }]);
    expect(t[t.length - 1]).toEqual({ stage: 'paused', count: 1, sum: 1, weighted: 0 });
  });

  it('the open pipeline leaves out won and lost', () => {
    expect(openPipeline(stageTotals(deals))).toEqual({ count: 3, sum: 2_100_000, weighted: 1_010_000 });
  });

  it('moving a deal changes its column and the totals', () => {
    const list = [
      { id: 'a', data: { stage: 'lead', amount: 5 } },
      { id: 'b', data: { stage: 'lead', amount: 7 } },
    ];
    const moved = moveDeal(list, 'b', 'won');
    expect(list[1].data.stage).toBe('lead');
    const t = Object.fromEntries(stageTotals(moved.map((d) => d.data)).map((x) => [x.stage, [x.count, x.sum]]));
    expect(t.lead).toEqual([1, 5]);
    expect(t.won).toEqual([1, 7]);
  });
});
