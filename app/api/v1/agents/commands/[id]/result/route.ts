import { OPERATIONS } from "@/contracts/operations";
import { recordCommandResult } from "@/server/commands/record-command-result";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.recordCommandResult, async ({ agent, params, body }) => {
  await recordCommandResult(agent, params.id, body);
  return { recorded: true as const };
});
