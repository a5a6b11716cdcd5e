import type { RunPlanView } from "@/contracts/runbook-api";
import { Badge } from "@/components/ui/badge";

function ConditionBadge({ condition }: { condition: RunPlanView["steps"][number]["condition"] }) {
  if (!condition) return null;
  if ("pending" in condition) return <Badge tone="info">pending</Badge>;
  return condition.holds ? <Badge tone="ok">holds</Badge> : <Badge tone="bad">fails</Badge>;
}

/** A dry run's outcome: who plays which part, each step with its targets and what its check says now. */
export function PlanView({ plan }: { plan: RunPlanView }) {
  return (
    <div className="stack" aria-label="Dry-run plan">
      {plan.blockers.length ? (
        <div className="alert alert-error" role="alert">
          <strong>A run would stop before acting:</strong>
          <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
            {plan.blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        </div>
      ) : (
        <div className="alert alert-ok" role="status">
          Every check passes now. Nothing was changed by this dry run.
        </div>
      )}
      <dl className="kv">
        <dt>Primary</dt>
        <dd>{plan.primary ?? "—"}</dd>
        <dt>Target</dt>
        <dd>
          {plan.target ?? "—"}
          {plan.targetChosenBy === "candidate selection" ? <span className="muted"> (chosen by candidate selection)</span> : null}
        </dd>
        <dt>Other standbys</dt>
        <dd>{plan.others.length ? plan.others.join(", ") : "—"}</dd>
        <dt>Epoch · policy</dt>
        <dd>
          {plan.epoch} · {plan.policyVersion ? `v${plan.policyVersion}` : "none"}
        </dd>
        <dt>Definition</dt>
        <dd className="mono" title={plan.contentHash}>
          {plan.contentHash.slice(0, 12)}…
        </dd>
      </dl>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Step</th>
              <th scope="col">Kind</th>
              <th scope="col">Acts on</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {plan.steps.map((step, index) => (
              <tr key={step.id}>
                <td className="mono">{index + 1}</td>
                <td>
                  {step.title}
                  {!step.needed && step.kind === "approval" ? <div className="muted">not needed: its condition holds</div> : null}
                  {step.hook ? <div className="muted">{step.hook}</div> : null}
                </td>
                <td>
                  <Badge>{step.kind}</Badge>
                </td>
                <td>{step.targets.length ? step.targets.join(", ") : <span className="muted">—</span>}</td>
                <td>
                  <ConditionBadge condition={step.condition} />
                  {step.condition ? <div className="muted">{"pending" in step.condition ? step.condition.pending : step.condition.sentence}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
