import { useEffect, useRef, useState, type ReactNode } from 'react';

interface SettingRowProps {
  label: string;
  /** The control's id, so the label points at it. */
  htmlFor?: string;
  help: ReactNode;
  problem?: string;
  testId: string;
  children: ReactNode;
}

/** Label | control | one sentence of what it means; a problem shows in red under the control. */
export function SettingRow({ label, htmlFor, help, problem, testId, children }: SettingRowProps) {
  return (
    <div className="setting setting-top" data-testid={`setting-${testId}`}>
      {htmlFor ? <label className="setting-label" htmlFor={htmlFor}>{label}</label> : <div className="setting-label">{label}</div>}
      <div className="setting-control">
        {children}
        {problem && <div className="field-error" data-testid={`${testId}-problem`}>{problem}</div>}
      </div>
      <p className="setting-help">{help}</p>
    </div>
  );
}

interface NumberFieldProps {
  id: string;
  value: number;
  onChange: (value: number) => void;
  min: number;
  max: number;
  integer?: boolean;
  step?: number;
  unit?: string;
  disabled?: boolean;
  /** Shown when the typed text is not a number in range; the last good value stays in the settings. */
  label: string;
}

/**
 * A number typed as text: every keystroke is kept on screen, and only numbers within range reach the settings.
 * A value set from outside (e.g. "Apply these numbers") replaces the text.
 */
export function NumberField({ id, value, onChange, min, max, integer, step, unit, disabled, label }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText((old) => (Number(old) === value && old.trim() !== '' ? old : String(value)));
    setProblem(null);
  }, [value]);
  function change(next: string) {
    setText(next);
    const n = Number(next);
    if (next.trim() === '' || !Number.isFinite(n)) {
      setProblem(`${label}: a number from ${min} to ${max}.`);
    } else if (integer && !Number.isInteger(n)) {
      setProblem(`${label}: a whole number.`);
    } else if (n < min || n > max) {
      setProblem(`${label}: from ${min} to ${max}.`);
    } else {
      setProblem(null);
      onChange(n);
    }
  }
  return (
    <span className="number-field">
      <span className="number-input-row">
        <input id={id} className="input input-number" inputMode="decimal" value={text} disabled={disabled} step={step}
          onChange={(e) => change(e.target.value)} aria-invalid={problem ? true : undefined} data-testid={id} />
        {unit && <span className="muted">{unit}</span>}
      </span>
      {problem && <span className="field-error" data-testid={`${id}-problem`}>{problem}</span>}
    </span>
  );
}

interface SegmentedProps<T extends string> {
  label: string;
  value: T;
  options: { value: T; label: string; title?: string }[];
  onChange: (value: T) => void;
  testIdPrefix: string;
}

export function Segmented<T extends string>({ label, value, options, onChange, testIdPrefix }: SegmentedProps<T>) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" role="radio" aria-checked={value === o.value} className="segment" title={o.title}
          onClick={() => onChange(o.value)} data-testid={`${testIdPrefix}-${o.value}`}>{o.label}</button>
      ))}
    </div>
  );
}

/** An on/off switch for an optional part (Ingress, NetworkPolicy...), as a labelled checkbox. */
export function Toggle({ id, checked, onChange, label }: { id: string; checked: boolean; onChange: (on: boolean) => void; label: string }) {
  return (
    <label className="toggle-row" htmlFor={id}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={id} />
      <span>{label}</span>
    </label>
  );
}

/**
 * Text kept as typed while the field has focus (a list being typed, "a, b", must not be re-formatted under the
 * cursor); the settings' value replaces it when it changes from elsewhere.
 */
export function TextField({ id, value, onChange, placeholder, wide = true }: { id: string; value: string; onChange: (text: string) => void; placeholder?: string; wide?: boolean }) {
  const [text, setText] = useState(value);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (document.activeElement !== ref.current) setText(value);
  }, [value]);
  return (
    <input ref={ref} id={id} className={`input mono ${wide ? 'input-wide' : ''}`} value={text} placeholder={placeholder} data-testid={id}
      onChange={(e) => { setText(e.target.value); onChange(e.target.value.trim()); }} onBlur={() => setText(value)} />
  );
}
