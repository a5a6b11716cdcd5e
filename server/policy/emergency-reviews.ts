import "server-only";
import type { z } from "zod";
import type { emergencyReviewSchema } from "@/contracts/policies";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";

type EmergencyReview = z.infer<typeof emergencyReviewSchema>;

/**
 * An emergency version's review is its `policy.emergency_review` audit event:
 * the trail is the record, so the review cannot exist without its audit entry.
 */
export async function emergencyReviews(versionIds: readonly string[], client: Tx | ReturnType<typeof db> = db()): Promise<Map<string, EmergencyReview>> {
  if (versionIds.length === 0) return new Map();
  const events = await client.auditEvent.findMany({
    where: { action: "policy.emergency_review", policyVersionId: { in: [...versionIds] } },
    orderBy: { seq: "asc" },
    select: { policyVersionId: true, actorLabel: true, at: true, reason: true },
  });
  return new Map(events.map((event) => [event.policyVersionId!, { reviewedBy: event.actorLabel, reviewedAt: event.at.toISOString(), note: event.reason }]));
}
