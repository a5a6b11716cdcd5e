import "server-only";
import type { UserView } from "@/contracts/users";
import { db } from "../db/client";
import { userView, userViewInclude } from "./user-view";

export async function listUsers(now = new Date()): Promise<UserView[]> {
  const users = await db().user.findMany({ orderBy: { email: "asc" }, include: userViewInclude(now) });
  return users.map((user) => userView(user, now));
}
