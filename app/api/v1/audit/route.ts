import { OPERATIONS } from "@/contracts/operations";
import { queryAuditEventsAs } from "@/server/audit-trail/query-audit-events";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.listAuditEvents, ({ actor, query }) => queryAuditEventsAs(actor, query));
