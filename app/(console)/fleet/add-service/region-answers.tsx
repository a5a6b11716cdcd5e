import { useEffect, useRef } from "react";
import type { RegionAnswers } from "@/core/discovery/answer-proposal";
import { AnswerField, fieldId } from "./answer-field";

interface Props {
  regions: RegionAnswers[];
  onChange: (regions: RegionAnswers[]) => void;
  question?: string;
  problem: (path: string) => string | undefined;
}

/**
 * The regions the replicas run in that Switchyard does not know yet: each
 * with the jurisdiction its data falls under, which residency rules name.
 */
export function RegionAnswersSection({ regions, onChange, question, problem }: Props) {
  const added = useRef(regions.length);
  useEffect(() => {
    // A region just added gets the focus, so the keyboard lands where typing starts.
    if (regions.length > added.current) document.getElementById(fieldId(`regions.${regions.length - 1}.id`))?.focus();
    added.current = regions.length;
  }, [regions.length]);
  const set = (index: number, field: keyof RegionAnswers, value: string) => onChange(regions.map((region, at) => (at === index ? { ...region, [field]: value } : region)));

  return (
    <section className="stack" aria-labelledby="new-regions-heading" id={fieldId("regions")} tabIndex={-1}>
      <h3 id="new-regions-heading">Regions Switchyard does not know yet</h3>
      {question ? <p className="muted">Asked: {question}</p> : null}
      {regions.length === 0 ? <p className="muted">None: every replica runs in a region listed in its Region choice. Add one here if it does not.</p> : null}
      {regions.map((region, index) => {
        const path = (field: string) => `regions.${index}.${field}`;
        return (
          <fieldset key={index} className="card stack">
            <legend className="legend-heading">New region {index + 1}</legend>
            <div className="row" style={{ alignItems: "flex-start" }}>
              <AnswerField path={path("id")} label="Region (cloud:code)" problem={problem(path("id"))}>
                {(control) => <input {...control} type="text" value={region.id} onChange={(event) => set(index, "id", event.target.value)} placeholder="azure:westeurope" spellCheck={false} />}
              </AnswerField>
              <AnswerField path={path("jurisdiction")} label="Jurisdiction" problem={problem(path("jurisdiction"))}>
                {(control) => <input {...control} type="text" value={region.jurisdiction} onChange={(event) => set(index, "jurisdiction", event.target.value)} placeholder="EU" spellCheck={false} />}
              </AnswerField>
              <AnswerField path={path("displayName")} label="Display name" problem={problem(path("displayName"))}>
                {(control) => <input {...control} type="text" value={region.displayName} onChange={(event) => set(index, "displayName", event.target.value)} placeholder="Azure West Europe" />}
              </AnswerField>
            </div>
            <div>
              <button type="button" className="button button-small" onClick={() => onChange(regions.filter((_, at) => at !== index))}>
                Remove new region {index + 1}
              </button>
            </div>
          </fieldset>
        );
      })}
      <div>
        <button type="button" className="button" onClick={() => onChange([...regions, { id: "", jurisdiction: "", displayName: "" }])}>
          Add a region
        </button>
      </div>
    </section>
  );
}
