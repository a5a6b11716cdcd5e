import { OPERATIONS } from "@/contracts/operations";
import { verifyAuditChainAs } from "@/server/audit-trail/verify-audit-chain-as";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.verifyAudit, ({ actor, query }) =>
  verifyAuditChainAs(
    actor,
    query.checkpointSeq !== undefined && query.checkpointHash !== undefined ? { seq: query.checkpointSeq, hash: query.checkpointHash, at: query.checkpointAt } : undefined,
  ),
);
