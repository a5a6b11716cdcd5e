import Link from "next/link";
import type { ServiceAutomation } from "@/contracts/automation";
import { Timestamp } from "@/components/ui/timestamp";
import { ACTS, ActionBadge, DIAGNOSIS_LABEL } from "./decision-look";

type Recorded = ServiceAutomation["recorded"][number];

function CarriedOut({ decision }: { decision: Recorded }) {
  if (decision.actedAt) return <Timestamp iso={decision.actedAt} />;
  return <span className="muted">{ACTS[decision.action.kind] ? "not carried out yet" : "nothing to carry out"}</span>;
}

/** What the decider recorded for the service, newest first, with the run each failover started. */
export function RecordedDecisions({ recorded, nameOf }: { recorded: Recorded[]; nameOf: (replicaId: string) => string }) {
  if (recorded.length === 0) return <p className="muted">The decider has recorded no decision for this service yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table data-testid="recorded-decisions">
        <caption className="visually-hidden">Decisions the decider recorded, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Decision</th>
            <th scope="col">Since</th>
            <th scope="col">Carried out</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {recorded.map((decision) => (
            <tr key={`${decision.ruleId}-${decision.subject ?? ""}`} data-action={decision.action.kind}>
              <th scope="row" className="mono">
                {decision.ruleId}
              </th>
              <td>
                <ActionBadge decision={decision} nameOf={nameOf} />{" "}
                <strong title={decision.diagnosis}>{DIAGNOSIS_LABEL[decision.diagnosis]}</strong>
                <div className="small">{decision.sentence}</div>
              </td>
              <td>
                <Timestamp iso={decision.since} />
              </td>
              <td>
                <CarriedOut decision={decision} />
              </td>
              <td>
                {decision.runId ? (
                  <Link href={`/runs/${encodeURIComponent(decision.runId)}`} className="mono">
                    {decision.runId}
                  </Link>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
