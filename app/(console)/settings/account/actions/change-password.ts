"use server";

import { changePasswordRequestSchema } from "@/contracts/users";
import { changeOwnPassword } from "@/server/accounts/change-password";
import { runAction } from "@/server/http/server-action";

export async function changePasswordAction(input: unknown) {
  return runAction("account:own", changePasswordRequestSchema, input, (actor, data) => changeOwnPassword(actor, data));
}
