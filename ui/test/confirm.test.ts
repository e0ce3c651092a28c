// ask(): the answer to a yes/no question, whether window.confirm answers at
// once (a browser) or with a Promise (the desktop app's dialog plugin).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ask } from '../src/confirm';

describe('ask', () => {
  const original = window.confirm;
  afterEach(() => {
    window.confirm = original;
  });

  it.each([
    ['a browser: yes', () => true, true],
    ['a browser: no', () => false, false],
    ['the desktop app: yes, later', () => new Promise<boolean>((r) => setTimeout(() => r(true), 20)), true],
    ['the desktop app: no, later', () => new Promise<boolean>((r) => setTimeout(() => r(false), 20)), false],
  ])('%s', async (_, confirm, expected) => {
    const spy = vi.fn(confirm);
    window.confirm = spy as unknown as typeof window.confirm;
    await expect(ask('ゴミ箱に移動しますか?')).resolves.toBe(expected);
    expect(spy).toHaveBeenCalledWith('ゴミ箱に移動しますか?');
  });
});
