import type { AuditVerification } from "@/contracts/audit";
import type { AuditCheckpointDocument } from "@/contracts/audit-query";
import { utc } from "../format";

export function renderVerification(result: AuditVerification): string {
  const checkpoint = result.checkpoint
    ? `\ncheckpoint #${result.checkpoint.seq}: ${result.checkpoint.matches ? "matches" : `does not match${result.checkpoint.reason ? ` — ${result.checkpoint.reason}` : ""}`}`
    : "";
  if (result.intact) return `Intact through #${result.throughSeq} (${result.count} events), verified ${utc(result.verifiedAt)}${checkpoint}`;
  return `BROKEN at #${result.brokenAtSeq} (${result.problem}); intact through #${result.intactThroughSeq}, verified ${utc(result.verifiedAt)}${checkpoint}`;
}

export function renderCheckpoint(checkpoint: AuditCheckpointDocument): string {
  return [
    `Checkpoint #${checkpoint.seq} (${checkpoint.count} events) at ${utc(checkpoint.at)}`,
    `hash       ${checkpoint.hash}`,
    `signature  ${checkpoint.signature}`,
    `Verify later: switchyard audit verify --checkpoint-seq ${checkpoint.seq} --checkpoint-hash ${checkpoint.hash}`,
  ].join("\n");
}
