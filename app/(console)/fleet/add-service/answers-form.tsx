import { DISCOVERY_ENGINE_NAMES, type DiscoveryResult } from "@/contracts/discovery";
import { regionChoices, type ProposalAnswers } from "@/core/discovery/answer-proposal";
import { AnswerField, fieldId } from "./answer-field";
import { DatasetAnswersSection } from "./dataset-answers";
import { RegionAnswersSection } from "./region-answers";
import { ReplicaAnswersFieldset, type Choice } from "./replica-answers";

interface Props {
  result: DiscoveryResult;
  answers: ProposalAnswers;
  onChange: (answers: ProposalAnswers) => void;
  problem: (path: string) => string | undefined;
  knownRegions: Choice[];
}

/** Where the answer to a question is typed; questions about the cluster itself have no field (the answer is on the servers). */
function targetOf(path: string): string | null {
  if (path === "services.0.primary") return fieldId("services.0.replicas.0.name");
  if (path === "services.0.replicas") return null;
  return fieldId(path);
}

/**
 * Step 2: everything discovery asked, each question beside the field that
 * answers it, after what the engine told (shown as told, not editable: it
 * is what the servers say) and what discovery saw.
 */
export function AnswersForm({ result, answers, onChange, problem, knownRegions }: Props) {
  const [proposed] = result.proposal.services;
  const engine = DISCOVERY_ENGINE_NAMES[proposed.engine];
  const question = (path: string) => result.questions.find((candidate) => candidate.path === path);
  const regions = regionChoices(knownRegions, answers);
  const onCluster = result.questions.filter((candidate) => targetOf(candidate.path) === null || candidate.id === "replica-name-invalid");

  return (
    <div className="stack">
      <section className="card" aria-labelledby="questions-heading">
        <h3 id="questions-heading">Discovery asks {result.questions.length === 1 ? "1 question" : `${result.questions.length} questions`}</h3>
        <p className="muted">{engine} cannot know these; nothing is filled in for you. Each links to where it is answered.</p>
        <ol aria-label="Questions">
          {result.questions.map((candidate, index) => {
            const target = candidate.id === "replica-name-invalid" ? null : targetOf(candidate.path);
            return (
              <li key={`${candidate.id}-${candidate.path}-${index}`}>
                {target ? <a href={`#${target}`}>{candidate.question}</a> : candidate.question} <span className="mono small">({candidate.path})</span>
              </li>
            );
          })}
        </ol>
      </section>

      {onCluster.length ? (
        <div className="alert alert-info" role="note" aria-label="Answered on the cluster">
          <strong>Answered on the cluster, not here:</strong>
          <ul>
            {onCluster.map((candidate, index) => (
              <li key={`${candidate.id}-${index}`}>{candidate.question}</li>
            ))}
          </ul>
          Fix it on the servers (or add the missing standby's URL) and discover again, or go on without it.
        </div>
      ) : null}

      <fieldset className="card stack">
        <legend className="legend-heading">Service</legend>
        <div className="row" style={{ alignItems: "flex-start", flexWrap: "wrap" }}>
          <AnswerField path="services.0.id" label="Service id" question={question("services.0.id")?.question} problem={problem("services.0.id")}>
            {(control) => <input {...control} type="text" value={answers.serviceId} onChange={(event) => onChange({ ...answers, serviceId: event.target.value })} spellCheck={false} />}
          </AnswerField>
          <AnswerField path="services.0.name" label="Service display name" question={question("services.0.name")?.question} problem={problem("services.0.name")}>
            {(control) => <input {...control} type="text" value={answers.name} onChange={(event) => onChange({ ...answers, name: event.target.value })} />}
          </AnswerField>
          <AnswerField path="services.0.description" label="Description (optional)" problem={problem("services.0.description")}>
            {(control) => <input {...control} type="text" value={answers.description} onChange={(event) => onChange({ ...answers, description: event.target.value })} />}
          </AnswerField>
        </div>
        <p className="muted small">Engine: {proposed.engine}. The primary is the server whose URL you gave first; the write route starts there.</p>
      </fieldset>

      <section className="stack" aria-labelledby="replicas-heading">
        <h3 id="replicas-heading">Replicas: what {engine} told, and what it asks</h3>
        {proposed.replicas.map((told, index) => (
          <ReplicaAnswersFieldset
            key={index}
            index={index}
            told={told}
            engine={proposed.engine}
            answer={answers.replicas[index]!}
            onChange={(answer) => onChange({ ...answers, replicas: answers.replicas.map((current, at) => (at === index ? answer : current)) })}
            question={question}
            problem={problem}
            regions={regions}
          />
        ))}
        <p className="muted small">Each replica starts with promotion priority 100, promotable and holding data; change that on the Topology page once the service exists.</p>
      </section>

      <RegionAnswersSection regions={answers.regions} onChange={(regionAnswers) => onChange({ ...answers, regions: regionAnswers })} question={question("regions")?.question} problem={problem} />

      <DatasetAnswersSection
        datasets={answers.datasets}
        noDatasets={answers.noDatasets}
        onChange={(datasets, noDatasets) => onChange({ ...answers, datasets, noDatasets })}
        question={question("services.0.datasets")?.question}
        problem={problem}
      />

      <section className="card" aria-labelledby="observations-heading">
        <h3 id="observations-heading">What discovery saw</h3>
        {result.observations.length === 0 ? (
          <p className="muted">Nothing beyond what the replicas above say.</p>
        ) : (
          <ul aria-label="Observations">
            {result.observations.map((observation, index) => (
              <li key={`${observation.id}-${index}`}>{observation.observation}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
