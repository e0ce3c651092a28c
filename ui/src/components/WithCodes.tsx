// Texts of the dictionary with values in them. What is not the UI's own
// words is put in an element the browser and the language test know not to
// translate: a `code` between backquotes (a folder name, a region) as
// <code>, a value from the user's data or file as <span translate="no">.

import { Fragment, type ReactNode } from 'react';

export function WithCodes({ text }: { text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : <Fragment key={i}>{p}</Fragment>))}
    </>
  );
}

/** `template` (a translated text with `{name}` slots) with each value in its slot, marked as a value. */
export function WithValues({ template, values }: { template: string; values: Record<string, ReactNode> }) {
  const parts = template.split(/\{(\w+)\}/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <span key={i} translate="no">
            {values[p] ?? `{${p}}`}
          </span>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}
