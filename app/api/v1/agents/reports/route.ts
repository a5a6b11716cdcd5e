import { ingestReportsRoute } from "@/server/direct-lane/agent-routes";

export const POST = ingestReportsRoute;
