import { OPERATIONS } from "@/contracts/operations";
import { auditActorOf } from "@/server/auth/actor";
import { startKeyRotation } from "@/server/commands/key-rotation";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.startKeyRotation, ({ actor, body }) => startKeyRotation(auditActorOf(actor), body.reason));
