import type { ReactNode } from "react";

/** The id of the input where the answer at a fleet-document path is typed: questions and problems link to it. */
export const fieldId = (path: string) => `answer-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;

export interface ControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby"?: string;
}

/**
 * One answer: its label, the question discovery asked for it (when it did),
 * and the problem with what was typed, both tied to the control so a screen
 * reader says them with it.
 */
export function AnswerField({ path, label, question, problem, children }: { path: string; label: string; question?: string; problem?: string; children: (control: ControlProps) => ReactNode }) {
  const id = fieldId(path);
  const described = [question ? `${id}-question` : null, problem ? `${id}-problem` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": Boolean(problem), ...(described ? { "aria-describedby": described } : {}) })}
      {question ? (
        <span className="hint" id={`${id}-question`}>
          Asked: {question}
        </span>
      ) : null}
      {/* Not an alert of its own: the summary above the form announces every problem once. */}
      {problem ? (
        <span className="field-error" id={`${id}-problem`}>
          {problem}
        </span>
      ) : null}
    </div>
  );
}
