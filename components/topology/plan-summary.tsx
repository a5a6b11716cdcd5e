import type { TopologyPlanView } from "@/contracts/topology-api";
import { TOPOLOGY_RULES, type TopologyRule } from "@/core/topology/topology-rules";
import { Badge, type Tone } from "@/components/ui/badge";

type ScopePlan = TopologyPlanView["scopes"][number];

const MODE: Record<ScopePlan["mode"], { label: string; tone: Tone }> = {
  none: { label: "no change", tone: "neutral" },
  direct: { label: "applied directly", tone: "ok" },
  "change-request": { label: "change request", tone: "info" },
};

function approvalsText(scope: ScopePlan): string {
  if (scope.mode !== "change-request" || scope.requiredApprovals === null) return "";
  return ` · needs ${scope.requiredApprovals} approval${scope.requiredApprovals === 1 ? "" : "s"} from approvers other than you`;
}

const ruleSentence = (rule: string) => (rule in TOPOLOGY_RULES ? TOPOLOGY_RULES[rule as TopologyRule] : null);

/**
 * What applying a fleet document would do, as the plan says it: anything
 * that refuses it first (each naming its field and rule), then each part of
 * the topology with how it is applied and why, and its readable diff.
 */
export function PlanSummary({ plan, headingId, heading = "What applying does" }: { plan: TopologyPlanView; headingId: string; heading?: string }) {
  const changed = plan.scopes.filter((scope) => scope.mode !== "none");
  return (
    <section className="stack" aria-labelledby={headingId}>
      <h3 id={headingId} tabIndex={-1}>
        {heading}
      </h3>
      {plan.issues.length ? (
        <div className="alert alert-error" role="alert">
          <strong>Refused: applying this would break {plan.issues.length === 1 ? "a rule" : `${plan.issues.length} rules`}; nothing would be written.</strong>
          <ul aria-label="Rules broken">
            {plan.issues.map((issue) => (
              <li key={`${issue.field}-${issue.rule}`}>
                {issue.message} <span className="mono">(rule {issue.rule})</span>
                {ruleSentence(issue.rule) ? <div className="small">The rule: {ruleSentence(issue.rule)}.</div> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {changed.length === 0 ? <p className="muted">Nothing changes: the document says what is live already.</p> : null}
      {changed.map((scope) => (
        <article key={scope.scope} className="card" aria-label={`Plan for ${scope.scope}`}>
          <div className="card-header">
            <h4 className="mono">{scope.scope}</h4>
            <span>
              <Badge tone={MODE[scope.mode].tone}>{MODE[scope.mode].label}</Badge>
              {approvalsText(scope)}
            </span>
          </div>
          <p>
            <strong>Why:</strong> {scope.why}
          </p>
          <ul className="plain-list stack" aria-label={`Changes to ${scope.scope}`}>
            {scope.changes.map((change) => (
              <li key={`${change.field}-${change.kind}`} className="mono">
                {change.governed ? (
                  <>
                    <Badge tone="warn">alters failover</Badge>{" "}
                  </>
                ) : null}
                {change.text}
              </li>
            ))}
          </ul>
        </article>
      ))}
      {plan.notes.length ? (
        <div className="alert alert-info">
          <strong>Notes</strong>
          <ul aria-label="Notes">
            {plan.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
