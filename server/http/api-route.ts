import "server-only";
import { z } from "zod";
import { accessTo, type Access } from "@/core/access/access";
import { ENROLLMENT_TOKEN_PREFIX } from "@/contracts/enrollment";
import type { ApiOperation } from "@/contracts/operations";
import { assertAllowedOnTarget, operationTargetFinder } from "../access/check-target";
import { agentFromRequest, type AgentPrincipal } from "../agents/resolve-agent";
import type { UserActor } from "../auth/actor";
import { clientIp } from "../auth/actor";
import { actorFromRequest } from "../auth/resolve-actor";
import { bearerToken } from "../request/bearer-token";
import { errorResponse, thrownResponse, zodErrorResponse } from "./api-response";
import { crossSiteRefusal } from "./cross-site-guard";
import { readBodyWithin } from "./read-body";
import { countRequest } from "./request-metrics";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type Output<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

export interface HandlerContext<Op extends ApiOperation, A extends AgentPrincipal = AgentPrincipal> {
  request: Request;
  ip: string | null;
  actor: Op["access"] extends "public" ? UserActor | null : Op["access"] extends "agent" | "enrollment-token" ? null : UserActor;
  agent: Op["access"] extends "agent" ? A : null;
  /** The enrollment token as sent; whether it is valid is the handler's to decide (and to say why not). */
  enrollmentToken: Op["access"] extends "enrollment-token" ? string : null;
  body: Output<Op["body"]>;
  params: Output<Op["params"]>;
  query: Output<Op["query"]>;
}

/** A handler answers with data (sent as JSON with the operation's status) or a Response of its own. */
type Handler<Op extends ApiOperation, A extends AgentPrincipal> = (context: HandlerContext<Op, A>) => Promise<unknown>;

export interface RouteOptions<A extends AgentPrincipal> {
  /**
   * How an `agent` operation finds the agent behind the request instead of
   * agentFromRequest: for a route so hot that the statement authenticating
   * the agent also reads what the handler needs (the lease renewal, once a
   * second per primary). Still runs first, so strangers learn nothing of the
   * input's shape.
   */
  agentFromRequest?: (request: Request) => Promise<A | null>;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

function tooLarge(limit: number): { ok: false; response: Response } {
  return { ok: false, response: errorResponse(413, { code: "payload_too_large", message: `Request body exceeds ${limit} bytes.` }) };
}

async function readJson(request: Request, limit: number): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  if (Number(request.headers.get("content-length") ?? "0") > limit) return tooLarge(limit);
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    return { ok: false, response: errorResponse(400, { code: "invalid_json", message: "Send the request body as JSON with Content-Type: application/json." }) };
  }
  const read = await readBodyWithin(request, limit);
  if (!read.ok) return tooLarge(limit);
  const text = new TextDecoder().decode(read.bytes);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : "unparseable";
    return { ok: false, response: errorResponse(400, { code: "invalid_json", message: `Request body is not valid JSON: ${detail}` }) };
  }
}

/**
 * Wraps a route handler with what every API operation needs, in this order:
 * refuse a change riding on the session cookie from another site (403),
 * authenticate (401), authorise against the operation's permission (403:
 * roles, token scopes), validate params, query and body with the operation's
 * zod schemas (400), for a role limited to services check the service the
 * input acts on (403), then run the handler and map domain errors to their
 * status. Checking the caller before the input keeps the API's shape from
 * strangers. Every answer is counted in the metrics by operation and status.
 */
export function apiRoute<Op extends ApiOperation, A extends AgentPrincipal = AgentPrincipal>(op: Op, handler: Handler<Op, A>, options: RouteOptions<A> = {}) {
  const answer = answerWith(op, handler, options);
  return async (request: Request, routeContext?: RouteContext): Promise<Response> => {
    const started = performance.now();
    const response = await answer(request, routeContext);
    countRequest(op, response.status, (performance.now() - started) / 1000);
    return response;
  };
}

function answerWith<Op extends ApiOperation, A extends AgentPrincipal>(op: Op, handler: Handler<Op, A>, options: RouteOptions<A>) {
  const findAgent = options.agentFromRequest ?? agentFromRequest;
  return async (request: Request, routeContext?: RouteContext): Promise<Response> => {
    const context = `${op.method} ${op.path}`;
    try {
      const crossSite = crossSiteRefusal(request);
      if (crossSite) return crossSite;
      const agent = op.access === "agent" ? await findAgent(request) : null;
      if (op.access === "agent" && !agent) {
        return errorResponse(401, { code: "unauthenticated", message: "Send this agent's token as `Authorization: Bearer sya_…`; it is unknown or revoked." });
      }
      const bearer = bearerToken(request.headers);
      const enrollmentToken = op.access === "enrollment-token" && bearer?.startsWith(ENROLLMENT_TOKEN_PREFIX) ? bearer : null;
      if (op.access === "enrollment-token" && !enrollmentToken) {
        return errorResponse(401, { code: "unauthenticated", message: "Send the enrollment token an admin issued as `Authorization: Bearer sye_…`.", field: "token" });
      }
      const actor = op.access === "agent" || op.access === "enrollment-token" ? null : await actorFromRequest(request);
      let access: Access | null = null;
      if (op.access !== "public" && op.access !== "agent" && op.access !== "enrollment-token") {
        if (!actor) return errorResponse(401, { code: "unauthenticated", message: "Sign in, or send an API token as `Authorization: Bearer <token>`." });
        access = accessTo(actor, op.access);
        if (access.kind === "denied") return errorResponse(403, { code: "forbidden", message: access.message });
      }

      let params: unknown;
      if (op.params) {
        const parsed = z.safeParse(op.params, await routeContext?.params);
        if (!parsed.success) return zodErrorResponse(parsed.error, "params");
        params = parsed.data;
      }
      let query: unknown;
      if (op.query) {
        const parsed = z.safeParse(op.query, Object.fromEntries(new URL(request.url).searchParams));
        if (!parsed.success) return zodErrorResponse(parsed.error, "query");
        query = parsed.data;
      }
      let body: unknown;
      if (op.body) {
        const read = await readJson(request, op.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        if (!read.ok) return read.response;
        const parsed = z.safeParse(op.body, read.value);
        if (!parsed.success) return zodErrorResponse(parsed.error, "body");
        body = parsed.data;
      }
      if (access && op.access !== "public" && op.access !== "agent" && op.access !== "enrollment-token") {
        await assertAllowedOnTarget(access, op.access, operationTargetFinder(op.target, { params, body }));
      }

      const result = await handler({ request, ip: clientIp(request.headers), actor, agent, enrollmentToken, body, params, query } as HandlerContext<Op, A>);
      if (result instanceof Response) return result;
      return Response.json(result, { status: op.success.status });
    } catch (error) {
      return thrownResponse(error, context);
    }
  };
}
