"use client";

/**
 * A choice of one among a few, as native radio buttons: arrow keys move
 * between options and screen readers announce the group, styled as buttons.
 */
export function SegmentedControl<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="segmented">
      <legend className="segmented-legend">{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className={option.value === value ? "segmented-option segmented-option-checked" : "segmented-option"}>
          <input type="radio" name={name} value={option.value} checked={option.value === value} onChange={() => onChange(option.value)} />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
