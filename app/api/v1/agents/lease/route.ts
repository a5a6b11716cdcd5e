import { OPERATIONS } from "@/contracts/operations";
import { apiRoute } from "@/server/http/api-route";
import { leaseRequester } from "@/server/primary-lease/lease-facts";
import { renewPrimaryLease } from "@/server/primary-lease/renew-primary-lease";

export const POST = apiRoute(OPERATIONS.renewPrimaryLease, async ({ agent, body }) => renewPrimaryLease(agent, body), { agentFromRequest: leaseRequester });
