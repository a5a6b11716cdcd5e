import "server-only";
import { hostname } from "node:os";
import { auditCheckpointKey } from "./checkpoint-key";
import { configuredSinks } from "./checkpoint-sinks/configured-sinks";
import { checkpointSinksWanted } from "./checkpoint-sinks/sink-settings";
import { checkpointMetrics } from "./checkpoint-metrics";
import { newPublisherMemory, publishAuditCheckpoints, recordPublishRound, type PublishRound } from "./publish-checkpoints";

const FALLBACK_INTERVAL_MS = 60_000;

/**
 * The checkpoint publisher as one of the store's periodic jobs, run by the
 * copy holding the jobs' lease. Null when no sink is configured (said once in
 * the log). Settings are read at every round, so a broken setting is a failed
 * round (logged, counted, alerted), not a copy that refuses to start.
 */
export function auditCheckpointJob(log: (line: string) => void): { name: string; everyMs: number; run: () => Promise<void> } | null {
  const key = auditCheckpointKey();
  if (!checkpointSinksWanted()) {
    log(`audit checkpoints (signed with key ${key.keyId}) are not published off the box: set SWITCHYARD_AUDIT_CHECKPOINT_DIR, _WEBHOOK or _S3_URL (README, Audit trail)`);
    return null;
  }
  const first = configuredSinks();
  log(
    `audit checkpoints signed with key ${key.keyId} go to ${first.sinks.map((sink) => `${sink.name} ${sink.target}`).join(", ") || "no sink"}` +
      (first.problem ? ` (settings: ${first.problem})` : ""),
  );
  const holder = `${hostname()}:${process.pid}:audit-checkpoints`;
  const memory = newPublisherMemory();
  return {
    name: "audit checkpoints",
    everyMs: first.settings?.intervalMs ?? FALLBACK_INTERVAL_MS,
    async run() {
      const started = performance.now();
      const { sinks, problem } = configuredSinks();
      let round: Pick<PublishRound, "broken" | "failures" | "published">;
      if (problem) {
        checkpointMetrics().rounds.inc({ outcome: "failed" });
        round = { broken: null, published: [], failures: { settings: problem } };
      } else {
        round = await publishAuditCheckpoints(sinks, memory).catch((error: unknown) => {
          checkpointMetrics().rounds.inc({ outcome: "failed" });
          throw error;
        });
      }
      for (const message of [round.broken, ...Object.entries(round.failures).map(([sink, reason]) => `publishing to ${sink} failed: ${reason}`)]) {
        if (message) log(`audit checkpoints: ${message}`);
      }
      await recordPublishRound(holder, round, performance.now() - started);
    },
  };
}
