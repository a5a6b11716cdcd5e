import { OPERATIONS } from "@/contracts/operations";
import { auditCheckpointAs } from "@/server/audit-trail/audit-checkpoint-as";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.auditCheckpoint, ({ actor }) => auditCheckpointAs(actor));
