import { encode } from "next-auth/jwt";
import type { Role } from "@/core/access/permissions";
import { scopesGrantedBy, type TokenScope } from "@/core/access/token-scopes";
import { db } from "@/server/db/client";
import { hashPassword } from "@/server/auth/passwords";
import { issueToken } from "@/server/tokens/issue-token";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  path?: string;
  token?: string;
  cookie?: string;
  /** Sent as JSON unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  contentType?: string | null;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Calls a route handler the way Next.js does, with a real Request. */
export async function call(handler: RouteHandler, options: CallOptions = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && options.contentType !== null) headers["content-type"] = options.contentType ?? "application/json";
  const request = new Request(`http://switchyard.test${options.path ?? "/"}`, { method: options.method ?? "GET", headers, body });
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  // A text answer (CSV, Prometheus metrics) is handed back as it came.
  const json = /json/i.test(response.headers.get("content-type") ?? "application/json") ? (text ? JSON.parse(text) : null) : text;
  return { status: response.status, json, headers: response.headers };
}

const hashes = new Map<string, Promise<string>>();

/** A user straight in the store (bcrypt is slow; each password is hashed once per file). */
export async function createTestUser(email: string, roles: Role[], password = "test-password-1234") {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const passwordHash = await hashes.get(password)!;
  return db().user.create({ data: { email, roles, passwordHash } });
}

/** A token of the user's: by default with every scope their roles grant something in, so it acts with all their roles. */
export async function tokenFor(userId: string, options: { expiresInDays?: number; scopes?: TokenScope[] } = {}): Promise<string> {
  const { roles } = await db().user.findUniqueOrThrow({ where: { id: userId }, select: { roles: true } });
  const scopes = options.scopes ?? scopesGrantedBy(roles);
  const issued = await issueToken(userId, { name: "test", expiresInDays: options.expiresInDays ?? 30, scopes }, SYSTEM_ACTOR);
  return issued.token;
}

/** A browser session's cookie for the user, as signing in would set it. */
export async function sessionCookieFor(userId: string): Promise<string> {
  // What signing in stamps a session with: the user's session version now, and the sign-in time.
  const { sessionVersion } = await db().user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } });
  return `next-auth.session-token=${await encode({ token: { sub: userId, sv: sessionVersion, signedInAt: Date.now() }, secret: process.env.NEXTAUTH_SECRET! })}`;
}

/** What the console's own page sends: the session cookie and its origin (a cookie-authenticated change from anywhere else is refused). */
export async function consoleSession(userId: string): Promise<Pick<CallOptions, "cookie" | "headers">> {
  return { cookie: await sessionCookieFor(userId), headers: { origin: "http://switchyard.test" } };
}

/** Row counts of every table a request could write to. */
export async function tableCounts() {
  const client = db();
  const [users, tokens, audit, throttles, services, replicas, policies] = await Promise.all([
    client.user.count(),
    client.apiToken.count(),
    client.auditEvent.count(),
    client.signInThrottle.count(),
    client.service.count(),
    client.replica.count(),
    client.policyVersion.count(),
  ]);
  return { users, tokens, audit, throttles, services, replicas, policies };
}
