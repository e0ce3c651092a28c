// A field error or an import warning as a line of the UI: the message in the
// user's language, then the value it is about (`detail`: a number, a name, a
// column of the file), marked translate="no" because it is a value, shown
// as it is in every language.

import { fieldErrorParts } from '../errors';
import { useI18n } from '../i18n';

export function FieldErrorText({ e }: { e: { code: string; message: string; detail?: string } }) {
  const { lang } = useI18n();
  const { text, sep, detail } = fieldErrorParts(e, lang);
  if (detail == null) return <>{text}</>;
  return (
    <>
      {text}
      {sep}
      <span className="detail" translate="no">
        {detail}
      </span>
    </>
  );
}
