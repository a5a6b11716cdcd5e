"use client";

import { useQuery } from "@tanstack/react-query";
import type { ServiceAutomation } from "@/contracts/automation";
import { serviceQueries } from "@/client/queries/service";
import { Badge, type Tone } from "@/components/ui/badge";
import { UpdatedAgo } from "@/components/ui/updated-ago";

type Decision = ServiceAutomation["decisions"][number];

const TONES: Record<Decision["action"]["kind"], Tone> = {
  none: "ok",
  alert: "warn",
  "fail-over": "bad",
  "open-guided-runbook": "bad",
  blocked: "info",
};

function actionLabel(action: Decision["action"]): string {
  switch (action.kind) {
    case "fail-over":
      return `would fail over to ${action.candidateName}`;
    case "open-guided-runbook":
      return `would open ${action.runbookId} for a person`;
    case "blocked":
      return `blocked: ${action.by}`;
    default:
      return action.kind;
  }
}

/** The automation's current decisions for a service, live; it only detects, and says so. */
export function AutomationCard({ serviceId }: { serviceId: string }) {
  const { data, error, isPending, dataUpdatedAt } = useQuery(serviceQueries.automation(serviceId));
  return (
    <section className="card" aria-labelledby="automation-heading">
      <div className="card-header">
        <h2 id="automation-heading">Automation (detection only)</h2>
        {data ? <UpdatedAgo at={dataUpdatedAt} /> : null}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          Could not load the automation&apos;s decisions: {error.message}
        </p>
      ) : null}
      {isPending ? <p className="muted">Loading decisions…</p> : null}
      {data ? (
        <>
          <p className="muted">{data.sentence}</p>
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {data.decisions.map((decision) => (
              <li key={`${decision.ruleId}-${decision.subject ?? ""}`} data-testid={`decision-${decision.ruleId}`} data-action={decision.action.kind}>
                <Badge tone={TONES[decision.action.kind]}>{actionLabel(decision.action)}</Badge> <span className="mono">{decision.ruleId}</span>{" "}
                <strong>{decision.diagnosis}</strong>: {decision.sentence}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
