import { SPREADSHEET_SAFE_NOTE } from "@/core/audit/csv";
import { show, stringOption, type Command } from "../command";
import { UsageError } from "../usage-error";
import { renderCheckpoint, renderCheckpointKey, renderVerification } from "../render/audit";

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
  summary:
    "Verify the audit chain (against a kept checkpoint and those published off the box), export it (CSV / JSON Lines, streamed to stdout), take a signed checkpoint, or fetch the key checkpoints are signed with",
  usage:
    "audit verify [--checkpoint-seq N --checkpoint-hash H [--checkpoint-at T]] | audit export --format csv|jsonl [filters] > file | audit checkpoint | audit checkpoint-key",
  examples: [
    "switchyard audit verify",
    "switchyard audit checkpoint --json > checkpoint.json",
    "switchyard audit verify --checkpoint-seq 1200 --checkpoint-hash 3f… --checkpoint-at 2026-11-26T08:00:00.000Z",
    "switchyard audit checkpoint-key --json | jq -r .publicKey > audit-checkpoint.pem",
    "switchyard audit export --format csv --service orders-db --from 2026-11-26T00:00:00Z > audit.csv",
  ],
  options: {
    "checkpoint-seq": { type: "string", description: "verify: a checkpoint's seq" },
    "checkpoint-hash": { type: "string", description: "verify: that checkpoint's hash" },
    "checkpoint-at": { type: "string", description: "verify: that checkpoint's at (then a mismatch says where events were removed)" },
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
      const query = {
        checkpointSeq: stringOption(invocation, "checkpoint-seq"),
        checkpointHash: stringOption(invocation, "checkpoint-hash"),
        checkpointAt: stringOption(invocation, "checkpoint-at"),
      };
      const result = await invocation.client.call("verifyAudit", { query });
      show(invocation, result, renderVerification);
      return result.intact ? 0 : 1;
    }
    if (action === "checkpoint") {
      show(invocation, await invocation.client.call("auditCheckpoint"), renderCheckpoint);
      return 0;
    }
    if (action === "checkpoint-key") {
      show(invocation, await invocation.client.call("auditCheckpointKey"), renderCheckpointKey);
      return 0;
    }
    if (action === "export") {
      const query: Record<string, string | undefined> = { format: stringOption(invocation, "format") };
      for (const filter of FILTERS) query[QUERY_NAMES[filter]] = stringOption(invocation, filter);
      await invocation.client.stream("exportAuditEvents", { query }, (chunk) => invocation.io.outBytes(chunk));
      if (query.format === "csv") invocation.io.err(SPREADSHEET_SAFE_NOTE);
      return 0;
    }
    throw new UsageError(`unknown action "${action}"; use verify, export, checkpoint or checkpoint-key`);
  },
};
