import { OPERATIONS } from "@/contracts/operations";
import { auditActorOf } from "@/server/auth/actor";
import { discoverTopology } from "@/server/discovery/discover-topology";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.discoverTopology, ({ actor, body }) => discoverTopology(body, auditActorOf(actor)));
