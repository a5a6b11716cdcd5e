import { OPERATIONS } from "@/contracts/operations";
import { auditActorOf } from "@/server/auth/actor";
import { completeKeyRotation } from "@/server/commands/key-rotation";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.completeKeyRotation, ({ actor, body }) => completeKeyRotation(auditActorOf(actor), body.reason, body.force));
