import { show, stringOption, type Command } from "../command";
import { UsageError } from "../usage-error";
import { renderCheckpoint, renderVerification } from "../render/audit";

const FILTERS = ["from", "to", "actor", "action", "target-type", "target-id", "service", "outcome", "q"] as const;
const QUERY_NAMES: Record<(typeof FILTERS)[number], string> = {
  from: "from",
  to: "to",
  actor: "actor",
  action: "action",
  "target-type": "targetType",
  "target-id": "targetId",
  service: "serviceId",
  outcome: "outcome",
  q: "q",
};

export const auditCommand: Command = {
  name: "audit",
  summary: "Verify the audit chain, export it (CSV / JSON Lines, streamed to stdout), or take a signed checkpoint",
  usage: "audit verify [--checkpoint-seq N --checkpoint-hash H] | audit export --format csv|jsonl [filters] > file | audit checkpoint",
  examples: [
    "switchyard audit verify",
    "switchyard audit checkpoint --json > checkpoint.json",
    "switchyard audit verify --checkpoint-seq 1200 --checkpoint-hash 3f…",
    "switchyard audit export --format csv --service orders-db --from 2026-11-26T00:00:00Z > audit.csv",
  ],
  options: {
    "checkpoint-seq": { type: "string", description: "verify: a checkpoint's seq" },
    "checkpoint-hash": { type: "string", description: "verify: that checkpoint's hash" },
    format: { type: "string", description: "export: csv or jsonl" },
    from: { type: "string", description: "export: events at or after this UTC instant" },
    to: { type: "string", description: "export: events before this UTC instant" },
    actor: { type: "string", description: "export: an actor's label or id" },
    action: { type: "string", description: "export: actions, comma-separated" },
    "target-type": { type: "string", description: "export: target kind" },
    "target-id": { type: "string", description: "export: target id" },
    service: { type: "string", description: "export: a service id" },
    outcome: { type: "string", description: "export: success or failure" },
    q: { type: "string", description: "export: full-text search" },
  },
  arity: [1, 1],
  async run(invocation) {
    const [action] = invocation.args;
    if (action === "verify") {
      const query = { checkpointSeq: stringOption(invocation, "checkpoint-seq"), checkpointHash: stringOption(invocation, "checkpoint-hash") };
      const result = await invocation.client.call("verifyAudit", { query });
      show(invocation, result, renderVerification);
      return result.intact ? 0 : 1;
    }
    if (action === "checkpoint") {
      show(invocation, await invocation.client.call("auditCheckpoint"), renderCheckpoint);
      return 0;
    }
    if (action === "export") {
      const query: Record<string, string | undefined> = { format: stringOption(invocation, "format") };
      for (const filter of FILTERS) query[QUERY_NAMES[filter]] = stringOption(invocation, filter);
      await invocation.client.stream("exportAuditEvents", { query }, (chunk) => invocation.io.outBytes(chunk));
      return 0;
    }
    throw new UsageError(`unknown action "${action}"; use verify, export or checkpoint`);
  },
};
