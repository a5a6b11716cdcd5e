import { OPERATIONS } from "@/contracts/operations";
import { auditEventDetailAs } from "@/server/audit-trail/audit-event-detail";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.getAuditEvent, ({ actor, params }) => auditEventDetailAs(actor, params.seq));
