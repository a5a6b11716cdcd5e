import { OPERATIONS } from "@/contracts/operations";
import { bindWitnessKey } from "@/server/agents/bind-witness-key";
import { errorResponse } from "@/server/http/api-response";
import { apiRoute } from "@/server/http/api-route";
import { ingestBatch } from "@/server/ingest/ingest-batch";

export const POST = apiRoute(OPERATIONS.ingestReports, async ({ agent, body }) => {
  const outcome = await ingestBatch(agent, body);
  if (outcome.stored) {
    await bindWitnessKey(agent, body.witnessKey);
    return outcome.result;
  }
  const first = body.reports[0]!.seq;
  return errorResponse(
    409,
    { code: "conflict", message: `Reports up to seq ${outcome.lastSeq} are already stored; this batch starts at ${first}. Nothing of it was written.` },
    undefined,
    { lastSeq: outcome.lastSeq },
  );
});
