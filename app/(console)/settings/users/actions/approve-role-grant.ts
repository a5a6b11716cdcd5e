"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { approveRoleGrantSchema, roleGrantIdParamsSchema } from "@/contracts/users";
import { actOnRoleGrant } from "@/server/accounts/decide-role-grant";
import { runAction } from "@/server/http/server-action";

const inputSchema = z.object({ id: roleGrantIdParamsSchema.shape.id, body: approveRoleGrantSchema });

export async function approveRoleGrantAction(input: unknown) {
  const result = await runAction("users:manage", inputSchema, input, (actor, data) => actOnRoleGrant(actor, data.id, { type: "approve" }, data.body.note));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}
