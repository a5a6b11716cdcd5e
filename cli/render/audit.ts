import type { AuditVerification } from "@/contracts/audit";
import type { DecisionReplayView } from "@/contracts/automation";
import type { AuditCheckpointDocument, AuditCheckpointKeyDocument } from "@/contracts/audit-query";
import { utc } from "../format";

type Check = NonNullable<AuditVerification["checkpoint"]>;

const checkLine = (label: string, check: Check) =>
  `${label} #${check.seq}: ${check.matches ? "matches" : `does not match${check.reason ? ` — ${check.reason}` : ""}`}`;

export function renderVerification(result: AuditVerification): string {
  const lines = [
    result.intact
      ? `Intact through #${result.throughSeq} (${result.count} events), verified ${utc(result.verifiedAt)}`
      : `BROKEN at #${result.brokenAtSeq} (${result.problem}); intact through #${result.intactThroughSeq}, verified ${utc(result.verifiedAt)}`,
    `keyed from #${result.keyedFromSeq} (chain key ${result.chainKeyId})`,
    ...(result.checkpoint ? [checkLine("checkpoint", result.checkpoint)] : []),
    ...result.published.compared.map((check) => checkLine(`published (${check.source})`, check)),
    ...result.published.unreadable.map((problem) => `${problem.source} could not be read: ${problem.reason}`),
    ...result.published.rejected.map((problem) => `${problem.source}: ${problem.reason} (ignored)`),
  ];
  return lines.join("\n");
}

export function renderCheckpoint(checkpoint: AuditCheckpointDocument): string {
  return [
    `Checkpoint #${checkpoint.seq} (${checkpoint.count} events) at ${utc(checkpoint.at)}`,
    `hash       ${checkpoint.hash}`,
    `keyed from #${checkpoint.keyedFromSeq} (chain key ${checkpoint.chainKeyId})`,
    `signature  ${checkpoint.signature} (audit checkpoint key ${checkpoint.keyId})`,
    `Verify later: switchyard audit verify --checkpoint-seq ${checkpoint.seq} --checkpoint-hash ${checkpoint.hash} --checkpoint-at ${checkpoint.at}`,
  ].join("\n");
}

export function renderCheckpointKey(key: AuditCheckpointKeyDocument): string {
  return [`Audit checkpoint key ${key.keyId} (${key.algorithm})`, `fingerprint ${key.fingerprint}`, key.publicKey.trimEnd()].join("\n");
}

export function renderDecisionReplay(replay: DecisionReplayView): string {
  return [
    `#${replay.seq} (${replay.serviceId}), decided at ${utc(replay.recorded.decidedAt)}: ${replay.recorded.ruleId} — ${replay.recorded.sentence}`,
    `${replay.same ? "SAME" : "DIFFERENT"}: ${replay.sentence}`,
    ...replay.replayed.map((decision) => `  ${decision.ruleId}: ${decision.sentence}`),
  ].join("\n");
}
