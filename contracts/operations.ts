import { z } from "zod";
import type { Permission } from "@/core/access/permissions";
import { commandIdParamsSchema, commandResultSchema, pendingCommandsSchema, pollCommandsQuerySchema } from "./agent-commands";
import { agentReportBatchSchema, ingestConflictSchema, ingestResultSchema } from "./agent-reports";
import { agentIdParamsSchema, agentListSchema, agentSchema, issuedAgentTokenSchema, registerAgentRequestSchema } from "./agents";
import { acknowledgeAlertRequestSchema, alertIdParamsSchema, alertListQuerySchema, alertListSchema, alertSchema } from "./alerts";
import { auditVerificationSchema } from "./audit";
import { fleetOverviewSchema } from "./fleet-overview";
import { regionMatrixSchema } from "./region-matrix";
import { planRequestSchema, runbookIdParamsSchema, runbookListSchema, runPlanSchema } from "./runbook-api";
import { runControlSchema, runIdParamsSchema, runListQuerySchema, runListSchema, runSchema, runStepParamsSchema, startRunRequestSchema, stepDecisionSchema } from "./runs";
import { healthSchema } from "./health";
import { regionStateListSchema, serviceDetailSchema, serviceIdParamsSchema, serviceListSchema, writeRouteSchema } from "./services";
import { serviceLagQuerySchema, serviceLagSchema } from "./service-lag";
import {
  apiTokenListSchema,
  apiTokenSchema,
  createOwnTokenRequestSchema,
  issuedTokenSchema,
  issueTokenRequestSchema,
  tokenIdParamsSchema,
} from "./tokens";
import { createUserRequestSchema, updateUserRequestSchema, userIdParamsSchema, userListSchema, userSchema } from "./users";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * One API operation: where it lives, who may call it, what it takes and what
 * it answers. Route handlers, the OpenAPI document and the role tests are all
 * driven by this table, so none of them can drift from the others.
 */
export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/users/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /**
   * `public` operations need no caller, `agent` ones an agent's token; every
   * other one names the permission a person needs.
   */
  access: Permission | "public" | "agent";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Largest accepted request body; 1 MiB when unset. */
  maxBodyBytes?: number;
  success: { status: 200 | 201 | 204; description: string; schema?: z.ZodType; contentType?: string };
  /** Error statuses the operation documents besides 400/401/403/500. */
  errors?: readonly (404 | 409 | 413 | 429 | 503)[];
  /** Error answers whose body is not the plain error shape. */
  errorSchemas?: Partial<Record<409, z.ZodType>>;
}

function operation<const T extends ApiOperation>(op: T): T {
  return op;
}

export const OPERATIONS = {
  health: operation({
    method: "GET",
    path: "/api/health",
    summary: "Liveness and store status, for load balancers",
    tag: "system",
    access: "public",
    success: { status: 200, description: "The control plane and its store are up", schema: healthSchema },
    errors: [503],
  }),
  openApi: operation({
    method: "GET",
    path: "/api/v1/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    tag: "system",
    access: "public",
    success: { status: 200, description: "The OpenAPI document" },
  }),
  listServices: operation({
    method: "GET",
    path: "/api/v1/services",
    summary: "Services with their datasets, replicas and the regions they run in",
    tag: "fleet",
    access: "fleet:read",
    success: { status: 200, description: "All services", schema: serviceListSchema },
  }),
  getService: operation({
    method: "GET",
    path: "/api/v1/services/{id}",
    summary: "One service's live topology: each replica's role, health, lag and last report",
    tag: "fleet",
    access: "fleet:read",
    params: serviceIdParamsSchema,
    success: { status: 200, description: "The service", schema: serviceDetailSchema },
    errors: [404],
  }),
  getWriteRoute: operation({
    method: "GET",
    path: "/api/v1/services/{id}/route",
    summary: "Where the service takes writes now: region, a PostgreSQL URL clients can use, and the epoch",
    tag: "fleet",
    access: "fleet:read",
    params: serviceIdParamsSchema,
    success: { status: 200, description: "The write route", schema: writeRouteSchema },
    errors: [404],
  }),
  serviceLag: operation({
    method: "GET",
    path: "/api/v1/services/{id}/lag",
    summary: "Replication lag and conflicts per replica over a range, bucketed, with the RPO budget and the service's recent events",
    tag: "fleet",
    access: "fleet:read",
    params: serviceIdParamsSchema,
    query: serviceLagQuerySchema,
    success: { status: 200, description: "Each replica's lag series", schema: serviceLagSchema },
    errors: [404],
  }),
  listRegions: operation({
    method: "GET",
    path: "/api/v1/regions",
    summary: "Each region's health from its replicas, and whether other regions' witnesses reach it",
    tag: "fleet",
    access: "fleet:read",
    success: { status: 200, description: "All regions", schema: regionStateListSchema },
  }),
  fleetOverview: operation({
    method: "GET",
    path: "/api/v1/fleet",
    summary: "Every service's health, worst lag against its budgets, automation state and active runs, and every region's health",
    tag: "fleet",
    access: "fleet:read",
    success: { status: 200, description: "The fleet now", schema: fleetOverviewSchema },
  }),
  regionMatrix: operation({
    method: "GET",
    path: "/api/v1/regions/matrix",
    summary: "Witness reachability and round-trip times between regions, with each cell's last observation",
    tag: "fleet",
    access: "fleet:read",
    success: { status: 200, description: "The region × region matrix", schema: regionMatrixSchema },
  }),
  ingestReports: operation({
    method: "POST",
    path: "/api/v1/agents/reports",
    summary: "An agent delivers a batch of reports (exactly once per sequence number)",
    tag: "agents",
    access: "agent",
    body: agentReportBatchSchema,
    maxBodyBytes: 4 * 1024 * 1024,
    success: { status: 200, description: "Every report of the batch is stored", schema: ingestResultSchema },
    errors: [409, 413],
    errorSchemas: { 409: ingestConflictSchema },
  }),
  pollCommands: operation({
    method: "GET",
    path: "/api/v1/agents/commands",
    summary: "An agent's signed commands, oldest first; waits up to waitSeconds for one (long-poll)",
    tag: "agents",
    access: "agent",
    query: pollCommandsQuerySchema,
    success: { status: 200, description: "Unanswered commands (possibly none)", schema: pendingCommandsSchema },
  }),
  recordCommandResult: operation({
    method: "POST",
    path: "/api/v1/agents/commands/{id}/result",
    summary: "An agent reports what it did with a command (once)",
    tag: "agents",
    access: "agent",
    params: commandIdParamsSchema,
    body: commandResultSchema,
    success: { status: 200, description: "Recorded", schema: z.object({ recorded: z.literal(true) }) },
    errors: [404, 409],
  }),
  commandKey: operation({
    method: "GET",
    path: "/api/v1/agents/command-key",
    summary: "The public key (Ed25519, SPKI PEM) agents verify commands with",
    tag: "agents",
    access: "fleet:read",
    success: { status: 200, description: "The key", schema: z.object({ publicKey: z.string() }) },
  }),
  listAgents: operation({
    method: "GET",
    path: "/api/v1/agents",
    summary: "Agents with their heartbeat, version and clock skew",
    tag: "agents",
    access: "fleet:read",
    success: { status: 200, description: "All agents", schema: agentListSchema },
  }),
  registerAgent: operation({
    method: "POST",
    path: "/api/v1/agents",
    summary: "Register the agent of a replica and issue its token (shown once)",
    tag: "agents",
    access: "agents:manage",
    body: registerAgentRequestSchema,
    success: { status: 201, description: "The agent and its token", schema: issuedAgentTokenSchema },
    errors: [404, 409],
  }),
  rotateAgentToken: operation({
    method: "POST",
    path: "/api/v1/agents/{id}/token",
    summary: "Issue a new token for an agent; the old one stops working",
    tag: "agents",
    access: "agents:manage",
    params: agentIdParamsSchema,
    success: { status: 200, description: "The agent and its new token", schema: issuedAgentTokenSchema },
    errors: [404],
  }),
  revokeAgent: operation({
    method: "POST",
    path: "/api/v1/agents/{id}/revoke",
    summary: "Revoke an agent's token; its reports are refused until a new token is issued",
    tag: "agents",
    access: "agents:manage",
    params: agentIdParamsSchema,
    success: { status: 200, description: "The revoked agent", schema: agentSchema },
    errors: [404, 409],
  }),
  listRunbooks: operation({
    method: "GET",
    path: "/api/v1/runbooks",
    summary: "Runbook definitions (with their source and content hash), and files that failed to load",
    tag: "runbooks",
    access: "runbooks:read",
    success: { status: 200, description: "The runbooks", schema: runbookListSchema },
  }),
  planRunbook: operation({
    method: "POST",
    path: "/api/v1/runbooks/{id}/plan",
    summary: "Dry run: resolve a runbook's parameters against the live topology and evaluate every check, changing nothing",
    tag: "runbooks",
    access: "runbooks:read",
    params: runbookIdParamsSchema,
    body: planRequestSchema,
    success: { status: 200, description: "The plan", schema: runPlanSchema },
    errors: [404],
  }),
  startRun: operation({
    method: "POST",
    path: "/api/v1/runbooks/{id}/runs",
    summary: "Start a guided run of a runbook (or, with dryRun, only plan it)",
    tag: "runs",
    access: "runs:operate",
    params: runbookIdParamsSchema,
    body: startRunRequestSchema,
    success: { status: 201, description: "The run (200 with the plan for a dry run)", schema: runSchema },
    errors: [404, 409],
  }),
  listAlerts: operation({
    method: "GET",
    path: "/api/v1/alerts",
    summary: "Alerts (pending, firing, resolved), newest first, with counts and the rules they come from",
    tag: "alerts",
    access: "fleet:read",
    query: alertListQuerySchema,
    success: { status: 200, description: "Alerts", schema: alertListSchema },
  }),
  acknowledgeAlert: operation({
    method: "POST",
    path: "/api/v1/alerts/{id}/acknowledge",
    summary: "Acknowledge a pending or firing alert with a note (audited)",
    tag: "alerts",
    access: "alerts:acknowledge",
    params: alertIdParamsSchema,
    body: acknowledgeAlertRequestSchema,
    success: { status: 200, description: "The acknowledged alert", schema: alertSchema },
    errors: [404, 409],
  }),
  listRuns: operation({
    method: "GET",
    path: "/api/v1/runs",
    summary: "Runs, newest first (of one service with ?serviceId=)",
    tag: "runs",
    access: "runbooks:read",
    query: runListQuerySchema,
    success: { status: 200, description: "Runs", schema: runListSchema },
  }),
  getRun: operation({
    method: "GET",
    path: "/api/v1/runs/{id}",
    summary: "A run with each step's state, timings, output, attempts and decisions",
    tag: "runs",
    access: "runbooks:read",
    params: runIdParamsSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404],
  }),
  confirmStep: operation({
    method: "POST",
    path: "/api/v1/runs/{id}/steps/{stepId}/confirm",
    summary: "Confirm a manual step that is waiting",
    tag: "runs",
    access: "runs:operate",
    params: runStepParamsSchema,
    body: stepDecisionSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404, 409],
  }),
  approveStep: operation({
    method: "POST",
    path: "/api/v1/runs/{id}/steps/{stepId}/approve",
    summary: "Approve an approval step (not by the person who started the run)",
    tag: "runs",
    access: "runs:approve",
    params: runStepParamsSchema,
    body: stepDecisionSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404, 409],
  }),
  rejectStep: operation({
    method: "POST",
    path: "/api/v1/runs/{id}/steps/{stepId}/reject",
    summary: "Reject an approval step; the run fails",
    tag: "runs",
    access: "runs:approve",
    params: runStepParamsSchema,
    body: stepDecisionSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404, 409],
  }),
  pauseRun: operation({
    method: "POST",
    path: "/api/v1/runs/{id}/pause",
    summary: "Pause a run: no further step starts until it is resumed",
    tag: "runs",
    access: "runs:operate",
    params: runIdParamsSchema,
    body: runControlSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404, 409],
  }),
  resumeRun: operation({
    method: "POST",
    path: "/api/v1/runs/{id}/resume",
    summary: "Resume a paused run",
    tag: "runs",
    access: "runs:operate",
    params: runIdParamsSchema,
    body: runControlSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404, 409],
  }),
  abortRun: operation({
    method: "POST",
    path: "/api/v1/runs/{id}/abort",
    summary: "Abort a run; the compensations registered so far run in reverse",
    tag: "runs",
    access: "runs:operate",
    params: runIdParamsSchema,
    body: runControlSchema,
    success: { status: 200, description: "The run", schema: runSchema },
    errors: [404, 409],
  }),
  listUsers: operation({
    method: "GET",
    path: "/api/v1/users",
    summary: "List users and their roles",
    tag: "users",
    access: "users:manage",
    success: { status: 200, description: "All users", schema: userListSchema },
  }),
  createUser: operation({
    method: "POST",
    path: "/api/v1/users",
    summary: "Create a user with roles",
    tag: "users",
    access: "users:manage",
    body: createUserRequestSchema,
    success: { status: 201, description: "The new user", schema: userSchema },
    errors: [409],
  }),
  updateUser: operation({
    method: "PATCH",
    path: "/api/v1/users/{id}",
    summary: "Change a user's name, roles or disabled flag",
    tag: "users",
    access: "users:manage",
    params: userIdParamsSchema,
    body: updateUserRequestSchema,
    success: { status: 200, description: "The updated user", schema: userSchema },
    errors: [404, 409],
  }),
  issueToken: operation({
    method: "POST",
    path: "/api/v1/auth/tokens",
    summary: "Exchange email and password for an API token (shown once)",
    tag: "auth",
    access: "public",
    body: issueTokenRequestSchema,
    success: { status: 201, description: "The token; store it, it is not shown again", schema: issuedTokenSchema },
    errors: [429],
  }),
  listTokens: operation({
    method: "GET",
    path: "/api/v1/auth/tokens",
    summary: "The caller's API tokens (all users' with `?scope=all` for admins)",
    tag: "auth",
    access: "tokens:own",
    query: z.object({ scope: z.enum(["own", "all"]).default("own") }),
    success: { status: 200, description: "Tokens, newest first", schema: apiTokenListSchema },
  }),
  createOwnToken: operation({
    method: "POST",
    path: "/api/v1/auth/tokens/own",
    summary: "Issue a token for the signed-in caller (shown once)",
    tag: "auth",
    access: "tokens:own",
    body: createOwnTokenRequestSchema,
    success: { status: 201, description: "The token; store it, it is not shown again", schema: issuedTokenSchema },
  }),
  revokeToken: operation({
    method: "DELETE",
    path: "/api/v1/auth/tokens/{id}",
    summary: "Revoke an API token (one's own, or anyone's for admins)",
    tag: "auth",
    access: "tokens:own",
    params: tokenIdParamsSchema,
    success: { status: 200, description: "The revoked token", schema: apiTokenSchema },
    errors: [404, 409],
  }),
  verifyAudit: operation({
    method: "GET",
    path: "/api/v1/audit/verify",
    summary: "Walk the audit hash chain and say whether it is intact",
    tag: "audit",
    access: "audit:read",
    success: { status: 200, description: "Intact through the last event, or where it breaks", schema: auditVerificationSchema },
  }),
} as const satisfies Record<string, ApiOperation>;

export type OperationId = keyof typeof OPERATIONS;
