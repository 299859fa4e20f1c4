interface ChoiceChipsProps<T extends string | number> {
  options: { value: T; label: string }[];
  selected: T[];
  onToggle: (value: T) => void;
  testIdPrefix: string;
  label: string;
}

/** Multi-select chips (batch sizes, thread counts): toggle buttons with aria-pressed. */
export function ChoiceChips<T extends string | number>({ options, selected, onToggle, testIdPrefix, label }: ChoiceChipsProps<T>) {
  return (
    <div className="chip-group" role="group" aria-label={label}>
      {options.map((option) => {
        const on = selected.includes(option.value);
        return (
          <button
            key={String(option.value)}
            type="button"
            className={`chip chip-toggle ${on ? 'chip-on' : ''}`}
            aria-pressed={on}
            onClick={() => onToggle(option.value)}
            data-testid={`${testIdPrefix}-${option.value}`}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
