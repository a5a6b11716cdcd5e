import "server-only";
import { z } from "zod";
import type { DecisionReplayView } from "@/contracts/automation";
import { readRecordedSnapshot } from "@/core/automation/recorded-snapshot";
import { replayDecision } from "@/core/automation/replay-decision";
import { db } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";

const recordedDetailsSchema = z.object({ rule: z.string(), subject: z.string().nullable(), decidedAt: z.iso.datetime(), snapshot: z.unknown() });

/** An `automation.decide` event decided again on the snapshot and moment it recorded (core/automation/replay-decision.ts). */
export async function replayRecordedDecision(seq: number): Promise<DecisionReplayView> {
  const event = await db().auditEvent.findUnique({ where: { seq: BigInt(seq) } });
  if (!event) throw new NotFoundError(`No audit event #${seq}.`);
  if (event.action !== "automation.decide") throw new ConflictError(`Audit event #${seq} is ${event.action}, not an automation decision: only automation.decide events can be replayed.`);
  const details = recordedDetailsSchema.safeParse(event.details);
  if (!details.success) {
    throw new ConflictError(`Audit event #${seq} was recorded before automation decisions kept the snapshot they were decided on; it cannot be replayed.`);
  }
  const recorded = {
    ruleId: details.data.rule,
    subject: details.data.subject,
    sentence: event.reason ?? "",
    decidedAt: new Date(details.data.decidedAt),
    snapshot: readRecordedSnapshot(details.data.snapshot),
  };
  const replay = replayDecision(recorded);
  return {
    seq: event.seq.toString(),
    serviceId: recorded.snapshot.serviceId,
    recorded: { ruleId: recorded.ruleId, subject: recorded.subject, sentence: recorded.sentence, decidedAt: details.data.decidedAt },
    replayed: replay.replayed,
    same: replay.same,
    sentence: replay.sentence,
  };
}
