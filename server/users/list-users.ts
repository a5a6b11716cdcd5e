import "server-only";
import type { UserView } from "@/contracts/users";
import { db } from "../db/client";
import { WITH_ROLE_SCOPES } from "./role-scopes";
import { userView } from "./user-view";

export async function listUsers(): Promise<UserView[]> {
  const users = await db().user.findMany({ orderBy: { email: "asc" }, include: WITH_ROLE_SCOPES });
  return users.map(userView);
}
