"use client";

import { useEffect, useState } from "react";
import { fieldOf, type DocumentProblem, type JsonPath } from "@/core/policy/policy-document-text";

/** What every input of the policy form needs: where it writes, and the problems the schema found there. */
export interface FieldProps {
  path: JsonPath;
  label: string;
  value: unknown;
  problems: readonly DocumentProblem[];
  onEdit: (path: JsonPath, value: unknown) => void;
  disabled?: boolean;
}

interface InputA11y {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

const idOf = (path: JsonPath) => `policy-${path.join("-").replace(/[^A-Za-z0-9_-]/g, "_")}`;

/** Problems at the field or inside it (a window's `startsAt` belongs to the window's inputs too). */
const problemsAt = (problems: readonly DocumentProblem[], path: JsonPath) => {
  const field = fieldOf(path);
  return problems.filter((problem) => problem.field === field || problem.field.startsWith(`${field}.`));
};

function FieldShell({ path, label, problems, hint, children }: { path: JsonPath; label: string; problems: readonly DocumentProblem[]; hint?: string; children: (a11y: InputA11y) => React.ReactNode }) {
  const id = idOf(path);
  const here = problemsAt(problems, path);
  const describedBy = [hint ? `${id}-hint` : null, here.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": here.length ? true : undefined })}
      <FieldNotes id={id} hint={hint} here={here} />
    </div>
  );
}

/** A field's hint and its problems, under it, with the ids its input is described by. */
function FieldNotes({ id, hint, here }: { id: string; hint?: string; here: readonly DocumentProblem[] }) {
  return (
    <>
      {hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {here.length ? (
        <span className="field-error" id={`${id}-error`}>
          {here.map((problem) => `${problem.field}: ${problem.message}`).join("; ")}
        </span>
      ) : null}
    </>
  );
}

/**
 * Keeps what the person typed (an unfinished "0." or an empty box) while the
 * document holds its value; a new value from elsewhere (the code view)
 * replaces the draft.
 */
function useDraft(value: unknown, show: (value: unknown) => string, same: (draft: string, value: unknown) => boolean) {
  const [draft, setDraft] = useState(() => show(value));
  useEffect(() => {
    setDraft((current) => (same(current, value) ? current : show(value)));
    // Only a change of the document's value resets the draft.
  }, [value]);
  return [draft, setDraft] as const;
}

/**
 * A number with its unit; `scale` converts what is shown to what is stored
 * (MiB shown, bytes stored). Empty removes the field, and text that is not a
 * number is kept as text, so the schema names the problem where it is.
 */
export function NumberInput({ unit, scale = 1, step, hint, ...field }: FieldProps & { unit: string; scale?: number; step: number | "any"; hint?: string }) {
  const show = (value: unknown) => (typeof value === "number" ? String(value / scale) : value === undefined ? "" : String(value));
  const [draft, setDraft] = useDraft(field.value, show, (text, value) => (text.trim() === "" ? value === undefined : Number(text) * scale === value));
  return (
    <FieldShell path={field.path} label={`${field.label} (${unit})`} problems={field.problems} hint={hint}>
      {(a11y) => (
        <input
          {...a11y}
          type="number"
          inputMode="decimal"
          step={step}
          value={draft}
          disabled={field.disabled}
          onChange={(event) => {
            const text = event.target.value;
            setDraft(text);
            const number = Number(text);
            field.onEdit(field.path, text.trim() === "" ? undefined : Number.isFinite(number) ? (scale === 1 ? number : Math.round(number * scale)) : text);
          }}
        />
      )}
    </FieldShell>
  );
}

export function SwitchInput({ hint, ...field }: FieldProps & { hint?: string }) {
  const id = idOf(field.path);
  const here = problemsAt(field.problems, field.path);
  return (
    <div className="field">
      <label className="switch-label" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={field.value === true}
          disabled={field.disabled}
          aria-describedby={[hint ? `${id}-hint` : null, here.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined}
          onChange={(event) => field.onEdit(field.path, event.target.checked)}
        />
        {field.label}
      </label>
      <FieldNotes id={id} hint={hint} here={here} />
    </div>
  );
}

export function ChoiceInput({ options, ...field }: FieldProps & { options: readonly { value: string; label: string }[] }) {
  return (
    <FieldShell path={field.path} label={field.label} problems={field.problems}>
      {(a11y) => (
        <select {...a11y} value={typeof field.value === "string" ? field.value : ""} disabled={field.disabled} onChange={(event) => field.onEdit(field.path, event.target.value)}>
          {typeof field.value === "string" && options.some((option) => option.value === field.value) ? null : <option value="">(choose)</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

export function TextInput({ hint, placeholder, ...field }: FieldProps & { hint?: string; placeholder?: string }) {
  const [draft, setDraft] = useDraft(field.value, (value) => (typeof value === "string" ? value : ""), (text, value) => text === value);
  return (
    <FieldShell path={field.path} label={field.label} problems={field.problems} hint={hint}>
      {(a11y) => (
        <input
          {...a11y}
          type="text"
          value={draft}
          placeholder={placeholder}
          disabled={field.disabled}
          onChange={(event) => {
            setDraft(event.target.value);
            field.onEdit(field.path, event.target.value);
          }}
        />
      )}
    </FieldShell>
  );
}

/** A list of names typed as `EU, US`. */
export function ListInput({ hint, ...field }: FieldProps & { hint?: string }) {
  const show = (value: unknown) => (Array.isArray(value) ? value.join(", ") : "");
  const split = (text: string) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const [draft, setDraft] = useDraft(field.value, show, (text, value) => JSON.stringify(split(text)) === JSON.stringify(value));
  return (
    <FieldShell path={field.path} label={field.label} problems={field.problems} hint={hint}>
      {(a11y) => (
        <input
          {...a11y}
          type="text"
          value={draft}
          disabled={field.disabled}
          onChange={(event) => {
            setDraft(event.target.value);
            field.onEdit(field.path, split(event.target.value));
          }}
        />
      )}
    </FieldShell>
  );
}
