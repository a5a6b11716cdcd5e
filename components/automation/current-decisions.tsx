import { ActionBadge, DIAGNOSIS_LABEL, type Decision } from "./decision-look";

/** What each rule decides on the service's state now, with the rule's own sentence. */
export function CurrentDecisions({ decisions, nameOf }: { decisions: Decision[]; nameOf: (replicaId: string) => string }) {
  return (
    <ul className="plain-list" aria-label="Decisions now">
      {decisions.map((decision) => (
        <li key={`${decision.ruleId}-${decision.subject ?? ""}`} data-testid={`decision-${decision.ruleId}`} data-action={decision.action.kind}>
          <ActionBadge decision={decision} nameOf={nameOf} /> <span className="mono">{decision.ruleId}</span>{" "}
          <strong title={decision.diagnosis}>{DIAGNOSIS_LABEL[decision.diagnosis]}</strong>: {decision.sentence}
        </li>
      ))}
    </ul>
  );
}
