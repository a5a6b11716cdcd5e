import { OPERATIONS } from "@/contracts/operations";
import { decideDrillApproval } from "@/server/drills/drill-approvals";
import { drillView } from "@/server/drills/drill-view";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.rejectDrill, async ({ actor, params, body }) => {
  await decideDrillApproval(actor, { kind: "drill", id: params.id }, "reject", body.note);
  return drillView(params.id);
});
