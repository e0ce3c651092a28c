// The keyboard shortcut list (`?`, or the topbar's help button): every key
// the app answers, found by its keydown handlers — App.tsx (Ctrl+K, Ctrl+N,
// ?), CommandPalette (arrows, pages, Enter, Esc), VirtualList (arrows, pages,
// Home/End, Enter), Dialog (Esc, Tab kept inside), fields.tsx (the tag box's
// Enter/comma/Backspace, the record picker's arrows/Enter/Esc), Deals (← →,
// Enter on a card), ChildTable and product cards (Enter). A new handler adds
// its keys here.

import { Fragment } from 'react';
import { useI18n, type DictKey } from '../i18n';
import { Dialog } from './Dialog';

export interface Shortcut {
  /** Alternatives; each is the keys pressed together. */
  keys: string[][];
  what: DictKey;
}

export interface ShortcutGroup {
  title: DictKey;
  items: Shortcut[];
}

export const SHORTCUTS: ShortcutGroup[] = [
  {
    title: 'keys_group_global',
    items: [
      { keys: [['Ctrl', 'K'], ['⌘', 'K']], what: 'keys_search' },
      { keys: [['Ctrl', 'N'], ['⌘', 'N']], what: 'keys_new' },
      { keys: [['?']], what: 'keys_help' },
      { keys: [['Esc']], what: 'keys_close' },
    ],
  },
  {
    title: 'keys_group_search',
    items: [
      { keys: [['↑'], ['↓']], what: 'keys_move' },
      { keys: [['PageUp'], ['PageDown']], what: 'keys_page' },
      { keys: [['Enter']], what: 'keys_open_row' },
    ],
  },
  {
    title: 'keys_group_lists',
    items: [
      { keys: [['↑'], ['↓']], what: 'keys_move' },
      { keys: [['PageUp'], ['PageDown']], what: 'keys_page' },
      { keys: [['Home'], ['End']], what: 'keys_ends' },
      { keys: [['Enter']], what: 'keys_open_row' },
    ],
  },
  {
    title: 'keys_group_forms',
    items: [
      { keys: [['Tab'], ['Shift', 'Tab']], what: 'keys_tab' },
      { keys: [['Enter'], [',']], what: 'keys_tag_add' },
      { keys: [['Backspace']], what: 'keys_tag_remove' },
      { keys: [['↑'], ['↓'], ['Enter']], what: 'keys_pick' },
    ],
  },
  {
    title: 'keys_group_deals',
    items: [
      { keys: [['←'], ['→']], what: 'keys_stage' },
      { keys: [['Enter']], what: 'keys_edit_card' },
    ],
  },
];

/** Keys as the hint on a button shows them: `Ctrl+N`. */
export function keyHint(keys: string[]): string {
  return keys.join('+');
}

/** Whether `?` was typed to ask for the list (not into a text box, not with Ctrl/⌘/Alt). */
export function isHelpKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): boolean {
  if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey) return false;
  const el = e.target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return true;
  return !el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="keys">
      {keys.map((k, i) => (
        <Fragment key={i}>
          {i > 0 && '+'}
          <kbd>{k}</kbd>
        </Fragment>
      ))}
    </span>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog title={t('keys_title')} onClose={onClose} testid="shortcuts" wide>
      <div className="shortcut-groups">
        {SHORTCUTS.map((g) => (
          <section key={g.title} className="shortcut-group">
            <h3>{t(g.title)}</h3>
            <table className="shortcut-table">
              <tbody>
                {g.items.map((s) => (
                  <tr key={s.what} data-testid="shortcut">
                    <td className="nowrap">
                      {s.keys.map((alt, i) => (
                        <Fragment key={i}>
                          {i > 0 && ' / '}
                          <Keys keys={alt} />
                        </Fragment>
                      ))}
                    </td>
                    <td>{t(s.what)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
