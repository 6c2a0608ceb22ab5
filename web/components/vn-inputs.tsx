// Date and time fields that follow Vietnamese conventions (dd/mm/yyyy, 24-hour) whatever the
// browser's locale: native <input type=date|time> shows 11/30/2026 and 05:30 PM in an English
// browser, so these are text fields that parse what is typed (lib/time.ts) and say in the UI's
// language what is wrong. The value given and reported is the API's form ("2026-12-01", "17:30");
// an unreadable entry reports ''.
import { useEffect, useState } from 'preact/hooks';
import { tx } from '../lib/i18n.ts';
import { DATE_INPUT_ERROR, parseDateInput, parseTimeInput, showDateInput, TIME_INPUT_ERROR } from '../lib/time.ts';

type Kind = 'date' | 'time';
const PARSE: Record<Kind, (s: string) => string | null> = { date: parseDateInput, time: parseTimeInput };
const SHOW: Record<Kind, (v: string) => string> = { date: showDateInput, time: (v) => v };
const ERROR: Record<Kind, { vi: string; en: string }> = { date: DATE_INPUT_ERROR, time: TIME_INPUT_ERROR };

function VnField({
  kind,
  name,
  value,
  onChange,
  label,
  testid,
}: {
  kind: Kind;
  name: string;
  value: string;
  onChange: (v: string) => void;
  label?: string;
  testid?: string;
}) {
  const [text, setText] = useState(SHOW[kind](value));
  const [touched, setTouched] = useState(false);
  // Follow a value set from outside (an edit loaded, a reset); not the one this field reported.
  useEffect(() => {
    if ((PARSE[kind](text) ?? '') !== value) setText(SHOW[kind](value));
  }, [value]);
  const parsed = PARSE[kind](text);
  const bad = text.trim() !== '' && parsed === null;
  const full = kind === 'date' ? text.trim().length >= 10 : text.trim().length >= 5;
  const showError = bad && (touched || full);
  return (
    <span class="vn-field">
      <input
        type="text"
        name={name}
        value={text}
        data-testid={testid}
        data-kind={kind}
        inputMode={kind === 'date' ? 'numeric' : 'text'}
        autocomplete="off"
        size={kind === 'date' ? 11 : 6}
        placeholder={kind === 'date' ? tx('dd/mm/yyyy', 'dd/mm/yyyy') : 'HH:mm'}
        aria-label={label}
        aria-invalid={showError ? 'true' : undefined}
        onInput={(e) => {
          const t = (e.target as HTMLInputElement).value;
          setText(t);
          onChange(PARSE[kind](t) ?? '');
        }}
        onBlur={() => {
          setTouched(true);
          if (parsed) setText(SHOW[kind](parsed)); // "1/12/2026" → "01/12/2026", "17h30" → "17:30"
        }}
      />
      {showError && (
        <span class="error small field-error" role="alert" data-testid="field-error">
          {tx(ERROR[kind].vi, ERROR[kind].en)}
        </span>
      )}
    </span>
  );
}

/** A day as dd/mm/yyyy; `value` and `onChange` in "yyyy-mm-dd". */
export const DateInput = (p: {
  name: string;
  value: string;
  onChange: (v: string) => void;
  label?: string;
  testid?: string;
}) => <VnField kind="date" {...p} />;
/** A 24-hour time as HH:mm; `value` and `onChange` in "HH:MM". */
export const TimeInput = (p: {
  name: string;
  value: string;
  onChange: (v: string) => void;
  label?: string;
  testid?: string;
}) => <VnField kind="time" {...p} />;
