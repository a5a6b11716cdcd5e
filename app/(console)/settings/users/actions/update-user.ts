"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { updateUserRequestSchema, userIdParamsSchema } from "@/contracts/users";
import { runAction } from "@/server/http/server-action";
import { updateUser } from "@/server/users/update-user";

const inputSchema = z.object({ id: userIdParamsSchema.shape.id, changes: updateUserRequestSchema });

export async function updateUserAction(input: unknown) {
  const result = await runAction("users:manage", inputSchema, input, (actor, data) => updateUser(actor, data.id, data.changes));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}
