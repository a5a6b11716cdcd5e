import { renewPrimaryLeaseRoute } from "@/server/direct-lane/agent-routes";

export const POST = renewPrimaryLeaseRoute;
