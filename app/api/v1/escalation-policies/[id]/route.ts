import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { deleteEscalationPolicy, updateEscalationPolicy } from "@/server/oncall/escalation-policies";

export const PATCH = apiRoute(OPERATIONS.updateEscalationPolicy, ({ actor, params, body }) => updateEscalationPolicy(actor, params.id, body));
export const DELETE = apiRoute(OPERATIONS.deleteEscalationPolicy, async ({ actor, params }) => {
  await deleteEscalationPolicy(actor, params.id);
  return { id: params.id, deleted: true };
});
