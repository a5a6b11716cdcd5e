import { OPERATIONS } from "@/contracts/operations";
import { auditActorOf } from "@/server/auth/actor";
import { apiRoute } from "@/server/http/api-route";
import { createUser } from "@/server/users/create-user";
import { listUsers } from "@/server/users/list-users";

export const GET = apiRoute(OPERATIONS.listUsers, async () => ({ users: await listUsers() }));

export const POST = apiRoute(OPERATIONS.createUser, ({ actor, body }) => createUser(body, auditActorOf(actor)));
