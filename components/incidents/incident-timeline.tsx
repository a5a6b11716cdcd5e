import Link from "next/link";
import type { TimelineEntryView } from "@/contracts/incidents";
import { Badge, type Tone } from "@/components/ui/badge";
import { Timestamp } from "@/components/ui/timestamp";

const ACTOR_TONE: Record<TimelineEntryView["actor"]["type"], Tone> = { user: "info", automation: "warn", agent: "neutral", system: "neutral" };

/** One incident's record in order: when, who or what (a person, the automation with its rule, an agent), what, and why. */
export function IncidentTimeline({ entries }: { entries: TimelineEntryView[] }) {
  if (!entries.length) return <p className="muted">Nothing recorded in the incident&apos;s window yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who / what</th>
            <th scope="col">What</th>
            <th scope="col">Rule</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={`${entry.source.kind}-${entry.source.id}`} data-action={entry.action ?? "alert.start"}>
              <td>
                <Timestamp iso={entry.at} />
              </td>
              <td>
                <Badge tone={ACTOR_TONE[entry.actor.type]}>{entry.actor.type}</Badge> {entry.actor.label}
              </td>
              <td>
                {entry.outcome === "failure" ? <Badge tone="bad">✕ refused or failed</Badge> : null} {entry.what}
                {entry.runId ? (
                  <>
                    {" "}
                    <Link href={`/runs/${entry.runId}`} aria-label={`run ${entry.runId}`}>
                      run
                    </Link>
                  </>
                ) : null}
              </td>
              <td className="mono">{entry.rule ?? "—"}</td>
              <td>{entry.why ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
