import { describe, expect, it } from 'vitest';
import { plainSummary } from '../src/components/Timeline';

describe('timeline summary', () => {
  it('shows markdown minutes as one plain line', () => {
    expect(plainSummary('## 目的\n勤怠管理の課題\n\n## 決定事項\n- 来週 **デモ**\n1. 見積')).toBe('目的 / 勤怠管理の課題 / 決定事項 / 来週 デモ / 見積');
  });
});
