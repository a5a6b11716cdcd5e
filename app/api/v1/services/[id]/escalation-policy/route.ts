import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { assignEscalationPolicy } from "@/server/oncall/escalation-policies";

export const POST = apiRoute(OPERATIONS.assignEscalationPolicy, ({ actor, params, body }) => assignEscalationPolicy(actor, params.id, body.policyId));
