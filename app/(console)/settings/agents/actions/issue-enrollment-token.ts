"use server";

import { z } from "zod";
import { issueEnrollmentTokenRequestSchema, replicaIdParamsSchema } from "@/contracts/enrollment";
import { issueEnrollmentToken } from "@/server/agents/issue-enrollment-token";
import { auditActorOf } from "@/server/auth/actor";
import { runAction } from "@/server/http/server-action";

const inputSchema = z.strictObject({ ...replicaIdParamsSchema.shape, ...issueEnrollmentTokenRequestSchema.shape });

export async function issueEnrollmentTokenAction(input: unknown) {
  return runAction("agents:manage", inputSchema, input, (actor, data) => issueEnrollmentToken(data.id, data.expiresInSeconds, auditActorOf(actor)));
}
