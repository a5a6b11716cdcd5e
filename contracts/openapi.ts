import type { z } from "zod";
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { PERMISSION_SCOPES } from "@/core/access/token-scopes";
import { classicSchema } from "./classic-schema";
import { apiErrorSchema } from "./errors";
import { OPERATION_TARGETS } from "./operation-targets";
import { OPERATIONS, type ApiOperation } from "./operations";

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON or a field that fails validation; `error.field` names it. Nothing was written.",
  401: "No valid session or bearer token.",
  403: "Signed in, but the caller's roles, their limits to services, or the token's scopes do not allow this.",
  404: "No such resource.",
  409: "Conflicts with the current state; nothing was written.",
  413: "Request body too large.",
  429: "Too many failed attempts; retry after the time in `Retry-After`.",
  503: "The store is unreachable.",
};

function errorStatuses(op: ApiOperation): number[] {
  const statuses = new Set<number>(op.errors ?? []);
  if (op.body || op.params || op.query) statuses.add(400);
  if (op.access !== "public") statuses.add(401);
  if (op.access !== "public" && op.access !== "agent" && op.access !== "enrollment-token") statuses.add(403);
  return [...statuses].sort();
}

function accessDescription(op: ApiOperation): string {
  if (op.access === "public") return "No authentication.";
  if (op.access === "agent") return "An agent's token (`sya_…`).";
  if (op.access === "enrollment-token") return "An enrollment token (`sye_…`), single use.";
  const scopes: readonly string[] = PERMISSION_SCOPES[op.access];
  const token = scopes.length === 0 ? "Never with an API token: a signed-in session only." : `An API token needs the scope ${scopes.map((scope) => `\`${scope}\``).join(" or ")}.`;
  const target = op.target ? ` For a role limited to services, the service is found thus: ${OPERATION_TARGETS[op.target]}` : "";
  return `Requires the \`${op.access}\` permission. ${token}${target}`;
}

function security(op: ApiOperation): Record<string, string[]>[] {
  if (op.access === "public") return [];
  if (op.access === "agent" || op.access === "enrollment-token") return [{ bearer: [] }];
  return PERMISSION_SCOPES[op.access].length === 0 ? [{ session: [] }] : [{ bearer: [] }, { session: [] }];
}

/** The OpenAPI 3.1 document, generated from the operation table's zod contracts. */
export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token from `POST /api/v1/auth/tokens`",
  });
  registry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description: "The browser session set by signing in",
  });

  for (const [operationId, op] of Object.entries(OPERATIONS) as [string, ApiOperation][]) {
    const responses: Record<number, ResponseConfig> = {
      [op.success.status]: {
        description: op.success.description,
        ...(op.success.schema ? { content: { [op.success.contentType ?? "application/json"]: { schema: classicSchema(op.success.schema) } } } : {}),
      },
    };
    for (const status of errorStatuses(op)) {
      responses[status] = {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: classicSchema(op.errorSchemas?.[status as 409] ?? apiErrorSchema) } },
      };
    }
    registry.registerPath({
      operationId,
      method: op.method.toLowerCase() as "get" | "post" | "patch" | "delete",
      path: op.path,
      summary: op.summary,
      tags: [op.tag],
      description: [accessDescription(op), op.description].filter(Boolean).join("\n\n"),
      security: security(op),
      request: {
        ...(op.params ? { params: classicSchema(op.params) as z.ZodObject } : {}),
        ...(op.query ? { query: classicSchema(op.query) as z.ZodObject } : {}),
        ...(op.body ? { body: { required: true, content: { "application/json": { schema: classicSchema(op.body) } } } } : {}),
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version,
      description:
        "Control plane for stateful services replicated across regions. Errors are JSON `{ error: { code, message, field? } }`.",
    },
    servers: [{ url: "/" }],
  });
}
