// Issue 17 (b): Ctrl+K keystroke → results painted in the desktop webview.
// WebKitGTK paints without compositing, so each keystroke repaints what lies
// under the results; blurred shadows were most of that paint
// (tests/desktop/measure.mjs --floor). While the palette is open the screen
// under it drops them, and the palette itself has a ring, not a blur.

import { cleanup, render } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppDataContext, type AppData } from '../src/app/data';
import { CommandPalette, PALETTE_OPEN_CLASS } from '../src/components/CommandPalette';
import { PrefsContext } from '../src/i18n';

vi.mock('../src/api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/api')>()),
  searchAll: vi.fn(async () => []),
}));

afterEach(cleanup);

const data: AppData = {
  schema: new Map(),
  users: [],
  settings: null,
  reloadUsers: async () => {},
  reloadSettings: async () => {},
  revision: 0,
  bump: () => {},
};

function palette() {
  return (
    <PrefsContext.Provider value={{ lang: 'ja', wareki: false, setPrefs: () => {} }}>
      <AppDataContext.Provider value={data}>
        <CommandPalette onClose={() => {}} />
      </AppDataContext.Provider>
    </PrefsContext.Provider>
  );
}

/** The declarations of the first rule whose selector is exactly `selector`. */
function rule(css: string, selector: string): string | null {
  const at = css.search(new RegExp(`(^|\\n)${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\{`));
  if (at < 0) return null;
  const open = css.indexOf('{', at);
  return css.slice(open + 1, css.indexOf('}', open));
}

describe('the palette keeps the desktop repaint cheap', () => {
  it('marks the document while open and clears the mark when closed', () => {
    const root = document.documentElement;
    expect(root.classList.contains(PALETTE_OPEN_CLASS)).toBe(false);
    const view = render(palette());
    expect(root.classList.contains(PALETTE_OPEN_CLASS)).toBe(true);
    view.unmount();
    expect(root.classList.contains(PALETTE_OPEN_CLASS)).toBe(false);
  });

  it('drops the blurred shadows under it and draws its own edge without a blur', () => {
    const css = readFileSync(resolve(__dirname, '../src/styles.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const under = rule(css, `.${PALETTE_OPEN_CLASS} .main *`);
    expect(under).not.toBeNull();
    expect(under).toMatch(/box-shadow:\s*none\s*!important/);
    const own = rule(css, '.palette');
    expect(own).not.toBeNull();
    // Custom properties (`var(--shadow-lg)`) resolved from the sheet.
    const shadow = (/box-shadow:\s*([^;]+);/.exec(own ?? '')?.[1] ?? 'none').replace(
      /var\((--[\w-]+)\)/g,
      (_, name: string) => new RegExp(`${name}:\\s*([^;]+);`).exec(css)?.[1] ?? 'unknown',
    );
    expect(shadow).not.toContain('unknown');
    // Each shadow's third length is its blur radius: none may be above 0.
    for (const part of shadow.split(/,(?![^(]*\))/)) {
      const lengths = part.trim().split(/\s+/).filter((w) => /^-?\d/.test(w));
      expect(parseFloat(lengths[2] ?? '0'), `blur in "${part.trim()}"`).toBe(0);
    }
  });
});
