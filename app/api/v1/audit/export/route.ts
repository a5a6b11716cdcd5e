import { OPERATIONS } from "@/contracts/operations";
import { exportAuditEventsAs } from "@/server/audit-trail/export-audit-events";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.exportAuditEvents, ({ actor, query }) => exportAuditEventsAs(actor, query));
