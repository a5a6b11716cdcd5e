/** "Ends after": a choice among fixed durations, for forms that set an expiry (pauses, silences). */
export function DurationSelect({ id, value, options, onChange }: { id: string; value: number; options: readonly { label: string; ms: number }[]; onChange: (ms: number) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>Ends after</label>
      <select id={id} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {options.map((option) => (
          <option key={option.label} value={option.ms}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
