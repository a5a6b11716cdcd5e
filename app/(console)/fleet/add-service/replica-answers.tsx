import { DISCOVERY_ENGINE_NAMES, type DiscoveryQuestion, type ProposedReplica, type ProposedService } from "@/contracts/discovery";
import type { ReplicaAnswers } from "@/core/discovery/answer-proposal";
import { AnswerField } from "./answer-field";

export interface Choice {
  id: string;
  label: string;
}

interface Props {
  index: number;
  told: ProposedReplica;
  engine: ProposedService["engine"];
  answer: ReplicaAnswers;
  onChange: (answer: ReplicaAnswers) => void;
  question: (path: string) => DiscoveryQuestion | undefined;
  problem: (path: string) => string | undefined;
  regions: Choice[];
}

/** How the form names a replica: as the engine told it, so labels do not move while its name is typed. */
export const replicaLabel = (told: ProposedReplica, index: number) => told.name ?? (index === 0 ? "the primary" : `standby ${index}`);

/**
 * One replica: what the engine told about it, shown as told, and a field
 * for each thing discovery asked (its region always: no engine knows where
 * its servers are).
 */
/** Where a proposed sync/async came from, and what sync means, in each engine's words. */
const SYNC_SOURCE: Record<ProposedService["engine"], { told: string; sync: string }> = {
  postgresql: { told: "from the primary's synchronous_standby_names", sync: "sync: named in synchronous_standby_names" },
  mariadb: { told: "semi-synchronous replication, from the primary and the replica", sync: "sync: a semi-synchronous replica" },
};

export function ReplicaAnswersFieldset({ index, told, engine, answer, onChange, question, problem, regions }: Props) {
  const path = (field: string) => `services.0.replicas.${index}.${field}`;
  const label = replicaLabel(told, index);
  const set = (field: keyof ReplicaAnswers, value: string) => onChange({ ...answer, [field]: value });
  const textField = (field: "name" | "host" | "port" | "database", what: string) => (
    <AnswerField path={path(field)} label={`${what} of ${label}`} question={question(path(field))?.question} problem={problem(path(field))}>
      {(control) => <input {...control} type="text" inputMode={field === "port" ? "numeric" : undefined} value={answer[field]} onChange={(event) => set(field, event.target.value)} spellCheck={false} />}
    </AnswerField>
  );
  const legend = index === 0 ? `Primary${told.name ? ` ${told.name}` : ""}${told.host ? ` at ${told.host}:${told.port ?? ""}` : ""}` : `Standby ${label}`;

  return (
    <fieldset className="card stack">
      <legend className="legend-heading">{legend}</legend>
      <dl className="kv" aria-label={`What ${DISCOVERY_ENGINE_NAMES[engine]} told about ${label}`}>
        <dt>Name</dt>
        <dd className="mono">{told.name ?? <span className="muted">not told: asked below</span>}</dd>
        <dt>Endpoint</dt>
        <dd className="mono">{told.host && told.port ? `${told.host}:${told.port}` : <span className="muted">not told: asked below</span>}</dd>
        <dt>Database</dt>
        <dd className="mono">{told.database ?? <span className="muted">not told: asked below</span>}</dd>
        <dt>Replication</dt>
        <dd>{told.replication ? `${told.replication} (${SYNC_SOURCE[engine].told})` : <span className="muted">not told: asked below</span>}</dd>
      </dl>
      {told.name === undefined ? textField("name", "Name") : null}
      {told.host === undefined ? textField("host", "Host") : null}
      {told.port === undefined ? textField("port", "Port") : null}
      {told.database === undefined ? textField("database", "Database") : null}
      {told.replication === undefined ? (
        <AnswerField path={path("replication")} label={`Replication of ${label} when it is a standby`} question={question(path("replication"))?.question} problem={problem(path("replication"))}>
          {(control) => (
            <select {...control} value={answer.replication} onChange={(event) => set("replication", event.target.value)}>
              <option value="">Choose…</option>
              <option value="sync">{SYNC_SOURCE[engine].sync}</option>
              <option value="async">async</option>
            </select>
          )}
        </AnswerField>
      ) : null}
      <AnswerField path={path("region")} label={`Region of ${label}`} question={question(path("region"))?.question} problem={problem(path("region"))}>
        {(control) => (
          <select {...control} value={answer.region} onChange={(event) => set("region", event.target.value)}>
            <option value="">Choose…</option>
            {regions.map((region) => (
              <option key={region.id} value={region.id}>
                {region.label}
              </option>
            ))}
          </select>
        )}
      </AnswerField>
    </fieldset>
  );
}
