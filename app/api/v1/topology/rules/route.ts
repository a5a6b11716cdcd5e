import { OPERATIONS } from "@/contracts/operations";
import { RETIREMENT_MODES } from "@/core/topology/retirement";
import { GOVERNED_FIELDS } from "@/core/topology/topology-diff";
import { TOPOLOGY_RULES } from "@/core/topology/topology-rules";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.topologyRules, async () => ({
  rules: Object.entries(TOPOLOGY_RULES).map(([id, sentence]) => ({ id, sentence })),
  governedFields: Object.entries(GOVERNED_FIELDS).map(([field, why]) => ({ field, why })),
  retirement: Object.entries(RETIREMENT_MODES).map(([id, { mode, sentence }]) => ({ id, mode, sentence })),
}));
