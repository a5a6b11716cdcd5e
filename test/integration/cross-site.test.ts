import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, type ApiOperation } from "@/contracts/operations";
import { db } from "@/server/db/client";
import { call, createTestUser, sessionCookieFor, tableCounts, tokenFor } from "../support/api";

/**
 * Every operation that changes something, enumerated from the operation
 * table (so a new one is covered without being listed), refuses a request
 * that rides on the session cookie from another site, and writes nothing;
 * the same request from the console's own origin, or with an API token, is
 * not refused by that rule.
 */
type Handler = Parameters<typeof call>[0];

const CROSS_SITE_REFUSAL = /^Refused a change authenticated only by the session cookie/;
const mutating = (Object.entries(OPERATIONS) as [string, ApiOperation][]).filter(([, op]) => op.method !== "GET");

function routeFile(apiPath: string): string {
  const folder = apiPath.replace(/^\//, "").replace(/\{(\w+)\}/g, "[$1]");
  return path.resolve("app", ...folder.split("/"), "route.ts");
}

async function handlerOf(op: ApiOperation): Promise<Handler> {
  const module = (await import(routeFile(op.path))) as Record<string, Handler>;
  return module[op.method]!;
}

function paramsOf(op: ApiOperation): Record<string, string> {
  return Object.fromEntries(Object.keys(op.params?._zod.def.shape ?? {}).map((key) => [key, "x"]));
}

async function counts() {
  return { ...(await tableCounts()), agents: await db().agent.count(), pauses: await db().automationPause.count(), runs: await db().run.count() };
}

let cookie: string;
let token: string;

beforeAll(async () => {
  // Every role, so that no answer below is a permission's 403.
  const user = await createTestUser("everything@example.com", ["viewer", "operator", "approver", "admin", "auditor"]);
  cookie = await sessionCookieFor(user.id);
  token = await tokenFor(user.id);
});

describe("cookie-authenticated changes from another site", () => {
  it("are enumerated from the operation table", () => {
    expect(mutating.length).toBeGreaterThan(40);
    expect(mutating.map(([id]) => id)).toEqual(expect.arrayContaining(["rotateAgentToken", "revokeAgent"]));
  });

  const FOREIGN: Record<string, Record<string, string>> = {
    "a form on another site": { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    "a page on another port of this host (same site, so the cookie goes along)": { origin: "http://switchyard.test:8080", "sec-fetch-site": "same-site" },
    "an Origin of another site, without Sec-Fetch-Site (plain http to a LAN address)": { origin: "http://evil.example" },
    "a sandboxed frame (Origin: null)": { origin: "null" },
    "no provenance at all": {},
  };

  for (const [id, op] of mutating) {
    it(`${id}: ${op.method} ${op.path}`, async () => {
      const handler = await handlerOf(op);
      const request = { method: op.method, path: op.path, params: paramsOf(op), body: {} };
      const before = await counts();
      for (const [from, headers] of Object.entries(FOREIGN)) {
        const refused = await call(handler, { ...request, cookie, headers });
        expect(refused.status, from).toBe(403);
        expect(refused.json.error.message, from).toMatch(CROSS_SITE_REFUSAL);
      }
      expect(await counts()).toEqual(before);

      // Controls: the rule lets the console's own requests and token holders through.
      const controls: Record<string, { cookie?: string; token?: string; headers: Record<string, string> }> = {
        "the console's own page": { cookie, headers: { origin: "http://switchyard.test", "sec-fetch-site": "same-origin" } },
        "the console, Origin only": { cookie, headers: { origin: "http://switchyard.test" } },
        "an API token, even from another site": { token, headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" } },
      };
      for (const [who, options] of Object.entries(controls)) {
        const answered = await call(handler, { ...request, ...options });
        expect(answered.json?.error?.message ?? "", who).not.toMatch(CROSS_SITE_REFUSAL);
      }
    });
  }
});

describe("the console's public URL", () => {
  it("counts as its own origin behind a proxy that rewrites Host", async () => {
    const handler = await handlerOf(OPERATIONS.rotateAgentToken);
    const saved = process.env.NEXTAUTH_URL;
    process.env.NEXTAUTH_URL = "https://switchyard.example.com/";
    try {
      const request = { method: "POST", params: { id: "x" }, cookie };
      const own = await call(handler, { ...request, headers: { origin: "https://switchyard.example.com", host: "127.0.0.1:3000" } });
      expect(own.status).toBe(404);
      const other = await call(handler, { ...request, headers: { origin: "https://switchyard.example.com.evil.example", host: "127.0.0.1:3000" } });
      expect(other.status).toBe(403);
    } finally {
      process.env.NEXTAUTH_URL = saved;
    }
  });
});
