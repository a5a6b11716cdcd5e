import "server-only";
import { OPERATIONS } from "@/contracts/operations";
import { bindWitnessKey } from "../agents/bind-witness-key";
import { apiRoute } from "../http/api-route";
import { alreadyStoredResponse } from "../ingest/ingest-answers";
import { ingestBatch } from "../ingest/ingest-batch";
import { leaseRequester } from "../primary-lease/lease-facts";
import { renewPrimaryLease } from "../primary-lease/renew-primary-lease";

/*
 * The two requests every agent makes each second. Their route files export
 * these handlers, and the direct lane (direct-routes.ts) serves the same ones
 * without Next.js's routing: one definition, two ways in.
 */

export const renewPrimaryLeaseRoute = apiRoute(OPERATIONS.renewPrimaryLease, async ({ agent, body }) => renewPrimaryLease(agent, body), { agentFromRequest: leaseRequester });

export const ingestReportsRoute = apiRoute(OPERATIONS.ingestReports, async ({ agent, body }) => {
  const outcome = await ingestBatch(agent, body);
  if (outcome.stored) {
    await bindWitnessKey(agent, body.witnessKey);
    return outcome.result;
  }
  return alreadyStoredResponse(outcome.lastSeq, body.reports[0]!.seq);
});
