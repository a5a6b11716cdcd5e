import type { PolicyChangeView } from "@/contracts/change-requests";
import { Badge } from "@/components/ui/badge";

/** A proposal's field-level diff, safety-relevant fields marked. */
export function PolicyChangeList({ diff, safetyRelevantFields, label }: { diff: PolicyChangeView[]; safetyRelevantFields: string[]; label: string }) {
  if (diff.length === 0) return <p className="muted">No field changes.</p>;
  return (
    <ul className="plain-list stack" aria-label={label}>
      {diff.map((change, index) => (
        <li key={`${change.field}-${index}`} className="mono">
          {safetyRelevantFields.includes(change.field) ? (
            <>
              <Badge tone="warn">safety-relevant</Badge>{" "}
            </>
          ) : null}
          {change.text}
        </li>
      ))}
    </ul>
  );
}

export function ConsequenceList({ consequences, label }: { consequences: string[]; label: string }) {
  if (consequences.length === 0) return <p className="muted">Nothing the system can compute changes in the running topology.</p>;
  return (
    <ul className="stack" aria-label={label}>
      {consequences.map((sentence) => (
        <li key={sentence}>{sentence}</li>
      ))}
    </ul>
  );
}

const STATUS_TONE = { open: "info", applied: "ok", rejected: "bad", expired: "warn", withdrawn: "neutral" } as const;

export function ChangeRequestStatusBadge({ status, stale }: { status: keyof typeof STATUS_TONE; stale?: boolean }) {
  return (
    <>
      <Badge tone={STATUS_TONE[status]}>{status}</Badge>
      {stale ? (
        <>
          {" "}
          <Badge tone="warn" title="A newer version is in force; the requester must rebase">
            needs rebase
          </Badge>
        </>
      ) : null}
    </>
  );
}
