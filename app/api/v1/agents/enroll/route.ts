import { OPERATIONS } from "@/contracts/operations";
import { enrollAgent } from "@/server/agents/enroll-agent";
import { apiRoute } from "@/server/http/api-route";

export const POST = apiRoute(OPERATIONS.enrollAgent, ({ enrollmentToken, body, ip }) => enrollAgent(enrollmentToken, body, ip));
