import { OPERATIONS } from "@/contracts/operations";
import { auditCheckpointAs } from "@/server/audit/audit-checkpoint";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.auditCheckpoint, ({ actor }) => auditCheckpointAs(actor));
