"use server";

import { revalidatePath } from "next/cache";
import { createUserRequestSchema } from "@/contracts/users";
import { auditActorOf } from "@/server/auth/actor";
import { runAction } from "@/server/http/server-action";
import { createUser } from "@/server/users/create-user";

export async function createUserAction(input: unknown) {
  const result = await runAction("users:manage", createUserRequestSchema, input, (actor, data) => createUser(data, auditActorOf(actor)));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}
