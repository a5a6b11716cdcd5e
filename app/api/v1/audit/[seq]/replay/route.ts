import { OPERATIONS } from "@/contracts/operations";
import { replayRecordedDecision } from "@/server/automation/replay-recorded-decision";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.replayAutomationDecision, ({ params }) => replayRecordedDecision(params.seq));
