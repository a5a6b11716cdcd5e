import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { apiErrorSchema } from "./errors";
import { OPERATIONS, type ApiOperation } from "./operations";

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON or a field that fails validation; `error.field` names it. Nothing was written.",
  401: "No valid session or bearer token.",
  403: "Signed in, but the caller's roles do not allow this.",
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
  return `Requires the \`${op.access}\` permission.`;
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
        ...(op.success.schema ? { content: { [op.success.contentType ?? "application/json"]: { schema: op.success.schema } } } : {}),
      },
    };
    for (const status of errorStatuses(op)) {
      responses[status] = {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: op.errorSchemas?.[status as 409] ?? apiErrorSchema } },
      };
    }
    registry.registerPath({
      operationId,
      method: op.method.toLowerCase() as "get" | "post" | "patch" | "delete",
      path: op.path,
      summary: op.summary,
      tags: [op.tag],
      description: [accessDescription(op), op.description].filter(Boolean).join("\n\n"),
      security: op.access === "public" ? [] : op.access === "agent" || op.access === "enrollment-token" ? [{ bearer: [] }] : [{ bearer: [] }, { session: [] }],
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.body ? { body: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
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
