"use server";

import { revalidatePath } from "next/cache";
import { tokenIdParamsSchema } from "@/contracts/tokens";
import { runAction } from "@/server/http/server-action";
import { revokeToken } from "@/server/tokens/revoke-token";

export async function revokeTokenAction(input: unknown) {
  const result = await runAction("tokens:own", tokenIdParamsSchema, input, (actor, data) => revokeToken(actor, data.id));
  if (result.ok) revalidatePath("/settings/tokens");
  return result;
}
