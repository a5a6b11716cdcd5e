import { useEffect, useRef } from "react";
import type { DatasetAnswers } from "@/core/discovery/answer-proposal";
import { AnswerField, fieldId } from "./answer-field";

interface Props {
  datasets: DatasetAnswers[];
  noDatasets: boolean;
  onChange: (datasets: DatasetAnswers[], noDatasets: boolean) => void;
  question?: string;
  problem: (path: string) => string | undefined;
}

const EMPTY: DatasetAnswers = { name: "", ownerTeam: "", consistency: "", rpoSeconds: "", rtoSeconds: "" };

/**
 * The service's datasets: who owns each and what losing some of it costs.
 * None is an answer only when said: an empty list alone is a question left
 * open.
 */
export function DatasetAnswersSection({ datasets, noDatasets, onChange, question, problem }: Props) {
  const added = useRef(datasets.length);
  useEffect(() => {
    if (datasets.length > added.current) document.getElementById(fieldId(`services.0.datasets.${datasets.length - 1}.name`))?.focus();
    added.current = datasets.length;
  }, [datasets.length]);
  const set = (index: number, change: Partial<DatasetAnswers>) => onChange(datasets.map((dataset, at) => (at === index ? { ...dataset, ...change } : dataset)), noDatasets);
  const listProblem = problem("services.0.datasets");

  return (
    <section className="stack" aria-labelledby="datasets-heading" id={fieldId("services.0.datasets")} tabIndex={-1}>
      <h3 id="datasets-heading">Datasets</h3>
      {question ? <p className="muted">Asked: {question}</p> : null}
      {datasets.map((dataset, index) => {
        const path = (field: string) => `services.0.datasets.${index}.${field}`;
        const strong = dataset.consistency === "strong";
        return (
          <fieldset key={index} className="card stack">
            <legend className="legend-heading">Dataset {index + 1}</legend>
            <div className="row" style={{ alignItems: "flex-start", flexWrap: "wrap" }}>
              <AnswerField path={path("name")} label="Dataset name" problem={problem(path("name"))}>
                {(control) => <input {...control} type="text" value={dataset.name} onChange={(event) => set(index, { name: event.target.value })} spellCheck={false} />}
              </AnswerField>
              <AnswerField path={path("ownerTeam")} label="Owner team" problem={problem(path("ownerTeam"))}>
                {(control) => <input {...control} type="text" value={dataset.ownerTeam} onChange={(event) => set(index, { ownerTeam: event.target.value })} />}
              </AnswerField>
              <AnswerField path={path("consistency")} label="Consistency" problem={problem(path("consistency"))}>
                {(control) => (
                  <select
                    {...control}
                    value={dataset.consistency}
                    // Strong data is synchronous: its recovery point budget is 0 by definition, not a choice.
                    onChange={(event) => set(index, { consistency: event.target.value as DatasetAnswers["consistency"], ...(event.target.value === "strong" ? { rpoSeconds: "0" } : {}) })}
                  >
                    <option value="">Choose…</option>
                    <option value="strong">strong: synchronous, RPO 0</option>
                    <option value="eventual">eventual: asynchronous, RPO budget in seconds</option>
                  </select>
                )}
              </AnswerField>
              <AnswerField path={path("rpoSeconds")} label="RPO budget (seconds)" problem={problem(path("rpoSeconds"))}>
                {(control) => <input {...control} type="text" inputMode="numeric" value={dataset.rpoSeconds} readOnly={strong} onChange={(event) => set(index, { rpoSeconds: event.target.value })} />}
              </AnswerField>
              <AnswerField path={path("rtoSeconds")} label="RTO budget (seconds)" problem={problem(path("rtoSeconds"))}>
                {(control) => <input {...control} type="text" inputMode="numeric" value={dataset.rtoSeconds} onChange={(event) => set(index, { rtoSeconds: event.target.value })} />}
              </AnswerField>
            </div>
            <div>
              <button type="button" className="button button-small" onClick={() => onChange(datasets.filter((_, at) => at !== index), noDatasets)}>
                Remove dataset {index + 1}
              </button>
            </div>
          </fieldset>
        );
      })}
      {datasets.length === 0 ? (
        <div className="checkbox-row">
          <label>
            <input type="checkbox" checked={noDatasets} onChange={(event) => onChange(datasets, event.target.checked)} aria-describedby={listProblem ? `${fieldId("services.0.datasets")}-problem` : undefined} />
            This service has no datasets to declare
          </label>
        </div>
      ) : null}
      {listProblem ? (
        <span className="field-error" id={`${fieldId("services.0.datasets")}-problem`}>
          {listProblem}
        </span>
      ) : null}
      <div>
        <button type="button" className="button" onClick={() => onChange([...datasets, EMPTY], false)}>
          Add a dataset
        </button>
      </div>
    </section>
  );
}
