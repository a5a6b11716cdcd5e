"use server";

import { z } from "zod";
import { resetPasswordRequestSchema, userIdParamsSchema } from "@/contracts/users";
import { resetPassword } from "@/server/accounts/reset-password";
import { runAction } from "@/server/http/server-action";

const inputSchema = z.object({ id: userIdParamsSchema.shape.id, body: resetPasswordRequestSchema });

export async function resetPasswordAction(input: unknown) {
  return runAction("users:manage", inputSchema, input, (actor, data) => resetPassword(actor, data.id, data.body));
}
