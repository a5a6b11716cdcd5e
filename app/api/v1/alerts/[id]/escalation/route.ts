import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { alertEscalation } from "@/server/oncall/alert-escalation";

export const GET = apiRoute(OPERATIONS.alertEscalation, ({ params }) => alertEscalation(params.id));
