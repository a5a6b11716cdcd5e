import { SPREADSHEET_SAFE_NOTE } from "@/core/audit/csv";
import { show, stringOption, type Command } from "../command";
import { UsageError } from "../usage-error";
import { renderCheckpoint, renderCheckpointKey, renderDecisionReplay, renderVerification } from "../render/audit";

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
    "Verify the audit chain (against a kept checkpoint and those published off the box), export it (CSV / JSON Lines, streamed to stdout), take a signed checkpoint, fetch the key checkpoints are signed with, or replay a recorded automation decision on the snapshot it was decided on",
  usage:
    "audit verify [--checkpoint-seq N --checkpoint-hash H [--checkpoint-at T]] | audit export --format csv|jsonl [filters] > file | audit checkpoint | audit checkpoint-key | audit replay <seq>",
  examples: [
    "switchyard audit verify",
    "switchyard audit checkpoint --json > checkpoint.json",
    "switchyard audit verify --checkpoint-seq 1200 --checkpoint-hash 3f… --checkpoint-at 2026-11-26T08:00:00.000Z",
    "switchyard audit checkpoint-key --json | jq -r .publicKey > audit-checkpoint.pem",
    "switchyard audit export --format csv --service orders-db --from 2026-11-26T00:00:00Z > audit.csv",
    "switchyard audit replay 4812",
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
  arity: [1, 2],
  async run(invocation) {
    const [action] = invocation.args;
    if (action !== "replay" && invocation.args.length > 1) throw new UsageError(`audit ${action} takes no further argument (got "${invocation.args[1]}")`);
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
    if (action === "replay") {
      const [, seq] = invocation.args;
      if (!seq) throw new UsageError("audit replay needs the seq of an automation.decide event (see the audit trail)");
      const replay = await invocation.client.call("replayAutomationDecision", { params: { seq } });
      show(invocation, replay, renderDecisionReplay);
      return replay.same ? 0 : 1;
    }
    if (action === "export") {
      const query: Record<string, string | undefined> = { format: stringOption(invocation, "format") };
      for (const filter of FILTERS) query[QUERY_NAMES[filter]] = stringOption(invocation, filter);
      await invocation.client.stream("exportAuditEvents", { query }, (chunk) => invocation.io.outBytes(chunk));
      if (query.format === "csv") invocation.io.err(SPREADSHEET_SAFE_NOTE);
      return 0;
    }
    throw new UsageError(`unknown action "${action}"; use verify, export, checkpoint, checkpoint-key or replay`);
  },
};
