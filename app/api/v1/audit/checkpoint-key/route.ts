import { OPERATIONS } from "@/contracts/operations";
import { auditCheckpointPublicKey } from "@/server/audit/audit-checkpoint";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.auditCheckpointKey, async () => auditCheckpointPublicKey());
