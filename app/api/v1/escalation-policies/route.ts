import { OPERATIONS } from "@/contracts/operations";
import { PAGE_SEVERITY } from "@/core/alerts/page-level";
import { ESCALATION_RULES } from "@/core/oncall/escalation";
import { apiRoute } from "@/server/http/api-route";
import { createEscalationPolicy, listEscalationPolicies } from "@/server/oncall/escalation-policies";

export const GET = apiRoute(OPERATIONS.listEscalationPolicies, async () => ({
  policies: await listEscalationPolicies(),
  pageSeverity: PAGE_SEVERITY,
  rules: ESCALATION_RULES.map(({ id, sentence }) => ({ id, sentence })),
}));
export const POST = apiRoute(OPERATIONS.createEscalationPolicy, ({ actor, body }) => createEscalationPolicy(actor, body));
