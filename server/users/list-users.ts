import "server-only";
import type { UserView } from "@/contracts/users";
import { db } from "../db/client";
import { userView } from "./user-view";

export async function listUsers(): Promise<UserView[]> {
  const users = await db().user.findMany({ orderBy: { email: "asc" } });
  return users.map(userView);
}
