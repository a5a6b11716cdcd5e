"use server";

import { revalidatePath } from "next/cache";
import { createOwnTokenRequestSchema } from "@/contracts/tokens";
import { auditActorOf } from "@/server/auth/actor";
import { runAction } from "@/server/http/server-action";
import { issueToken } from "@/server/tokens/issue-token";

export async function createTokenAction(input: unknown) {
  const result = await runAction("tokens:issue", createOwnTokenRequestSchema, input, (actor, data) =>
    issueToken(actor.userId, data, auditActorOf(actor)),
  );
  if (result.ok) revalidatePath("/settings/tokens");
  return result;
}
