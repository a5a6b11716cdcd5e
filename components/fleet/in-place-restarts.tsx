import type { InPlaceRestartView } from "@/contracts/in-place-restarts";
import { Timestamp } from "@/components/ui/timestamp";

const STATE_WORDS: Record<InPlaceRestartView["state"], string> = {
  restarting: "restarting",
  restarted: "✓ restarted",
  failed: "✕ failed: left to the failover",
  "given-up": "not restarted: left to the failover",
};

/** The service's recent in-place restarts of crashed servers by their agents (core/agents/in-place-restart.ts), one line each. */
export function InPlaceRestarts({ restarts }: { restarts: InPlaceRestartView[] }) {
  return (
    <section className="stack" aria-labelledby="in-place-restarts" style={{ marginTop: 24 }}>
      <h2 id="in-place-restarts">In-place restarts</h2>
      {restarts.length === 0 ? (
        <p className="muted">No agent of this service has restarted a crashed server in place.</p>
      ) : (
        <ul>
          {restarts.map((restart) => (
            <li key={restart.id}>
              <Timestamp iso={restart.startedAt} /> <strong>{restart.replicaName}</strong>: {STATE_WORDS[restart.state]} ({restart.rule}){restart.detail ? `: ${restart.detail}` : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
