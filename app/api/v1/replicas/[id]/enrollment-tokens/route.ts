import { OPERATIONS } from "@/contracts/operations";
import { issueEnrollmentToken } from "@/server/agents/issue-enrollment-token";
import { auditActorOf } from "@/server/auth/actor";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.issueEnrollmentToken, ({ actor, params, body }) => issueEnrollmentToken(params.id, body.expiresInSeconds, auditActorOf(actor)));
