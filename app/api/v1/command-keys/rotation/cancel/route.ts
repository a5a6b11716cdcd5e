import { OPERATIONS } from "@/contracts/operations";
import { auditActorOf } from "@/server/auth/actor";
import { cancelKeyRotation } from "@/server/commands/key-rotation";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.cancelKeyRotation, ({ actor, body }) => cancelKeyRotation(auditActorOf(actor), body.reason));
