import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OPERATIONS, type ApiOperation } from "@/contracts/operations";
import type { Permission } from "@/core/access/permissions";

/**
 * Deny by default, checked on the source: every API route handler is built
 * from the operation table (which names its permission), and every console
 * page asks for a permission before rendering. A new route or page that skips
 * the check fails here.
 */
function walk(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return walk(full, name);
    return entry === name ? [full] : [];
  });
}

const operations = Object.entries(OPERATIONS) as [string, ApiOperation][];
const NEXTAUTH_ROUTE = path.join("app", "api", "auth", "[...nextauth]", "route.ts");

function apiPathOf(file: string): string {
  const segments = path.dirname(file).split(path.sep).slice(1);
  return `/${segments.map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`;
}

/**
 * Handlers the direct lane also serves (server/direct-lane/agent-routes.ts),
 * built there with apiRoute(OPERATIONS.…) and exported by their route files
 * as they are: the operation each stands for, by name.
 */
const SHARED_ROUTES = new Map(
  [...readFileSync(path.join("server", "direct-lane", "agent-routes.ts"), "utf8").matchAll(/export const (\w+) = apiRoute\(OPERATIONS\.(\w+)\b/g)].map(([, name, id]) => [name!, id!]),
);

/** Each exported method of a route file and the operation it is built from (undefined: not from the table). */
function handlersOf(source: string): { method: string; id: string | undefined }[] {
  const built = [...source.matchAll(/export const (GET|POST|PATCH|PUT|DELETE) = apiRoute\(OPERATIONS\.(\w+)\b/g)].map(([, method, id]) => ({ method: method!, id }));
  const shared = [...source.matchAll(/export const (GET|POST|PATCH|PUT|DELETE) = (\w+);/g)].map(([, method, name]) => ({ method: method!, id: SHARED_ROUTES.get(name!) }));
  return [...built, ...shared];
}

describe("API routes", () => {
  const files = walk("app", "route.ts").filter((file) => file !== NEXTAUTH_ROUTE);

  it("find the handlers the direct lane shares", () => expect([...SHARED_ROUTES.values()].sort()).toEqual(["ingestReports", "renewPrimaryLease"]));

  it("are found", () => expect(files.length).toBeGreaterThan(5));

  for (const file of files) {
    it(`${file}: every handler is an operation of the table, at its own path and method`, () => {
      const source = readFileSync(file, "utf8");
      const handlers = handlersOf(source);
      const exported = [...source.matchAll(/export (?:const|async function|function) (GET|POST|PATCH|PUT|DELETE)\b/g)];
      expect(handlers.length, "every exported method goes through apiRoute(OPERATIONS.…)").toBe(exported.length);
      for (const { method, id } of handlers) {
        const op = OPERATIONS[id as keyof typeof OPERATIONS] as ApiOperation | undefined;
        expect(op, `OPERATIONS.${id}`).toBeDefined();
        expect(op?.method).toBe(method);
        expect(op?.path).toBe(apiPathOf(file));
      }
    });
  }

  it("cover every operation of the table", () => {
    const served = new Set(
      files.flatMap((file) => handlersOf(readFileSync(file, "utf8")).map((handler) => handler.id)),
    );
    expect([...served].sort()).toEqual(operations.map(([id]) => id).sort());
  });
});

const PAGE_PERMISSIONS: Record<string, Permission | "redirect"> = {
  "app/(console)/fleet/page.tsx": "fleet:read",
  "app/(console)/fleet/add-service/page.tsx": "fleet:read",
  "app/(console)/topology/page.tsx": "fleet:read",
  "app/(console)/regions/page.tsx": "fleet:read",
  "app/(console)/alerts/page.tsx": "fleet:read",
  "app/(console)/runbooks/page.tsx": "runbooks:read",
  "app/(console)/runs/[id]/page.tsx": "runbooks:read",
  "app/(console)/drills/page.tsx": "runbooks:read",
  "app/(console)/drills/[id]/page.tsx": "runbooks:read",
  "app/(console)/incidents/page.tsx": "fleet:read",
  "app/(console)/incidents/[id]/page.tsx": "fleet:read",
  "app/(console)/incidents/[id]/review/page.tsx": "fleet:read",
  "app/(console)/plans/page.tsx": "runbooks:read",
  "app/(console)/plans/[id]/page.tsx": "runbooks:read",
  "app/(console)/services/[id]/page.tsx": "fleet:read",
  "app/(console)/governance/page.tsx": "policies:read",
  "app/(console)/governance/change-requests/[id]/page.tsx": "policies:read",
  "app/(console)/audit/page.tsx": "audit:read",
  "app/(console)/audit/[seq]/page.tsx": "audit:read",
  "app/(console)/settings/page.tsx": "redirect",
  "app/(console)/settings/users/page.tsx": "users:manage",
  "app/(console)/settings/tokens/page.tsx": "tokens:own",
  "app/(console)/settings/agents/page.tsx": "agents:manage",
  "app/(console)/settings/account/page.tsx": "account:own",
  "app/(console)/settings/status-page/page.tsx": "fleet:read",
};

describe("public pages", () => {
  it("are the status page alone, and it reads only the public status document", () => {
    expect(walk(path.join("app", "(public)"), "page.tsx")).toEqual([path.join("app", "(public)", "status", "page.tsx")]);
    const source = readFileSync(path.join("app", "(public)", "status", "page.tsx"), "utf8");
    expect(source.match(/from "@\/server\/[^"]+"/g)?.sort()).toEqual(['from "@/server/status-page/status-cache"', 'from "@/server/status-page/status-document"']);
  });
});

describe("console pages", () => {
  const pages = walk(path.join("app", "(console)"), "page.tsx");

  it("are each listed with the permission they need", () => {
    expect(pages.sort()).toEqual(Object.keys(PAGE_PERMISSIONS).map((page) => page.split("/").join(path.sep)).sort());
  });

  for (const [page, permission] of Object.entries(PAGE_PERMISSIONS)) {
    it(`${page} ${permission === "redirect" ? "only redirects" : `requires ${permission}`}`, () => {
      const source = readFileSync(page, "utf8");
      if (permission === "redirect") {
        expect(source).toMatch(/redirect\("\/settings\/tokens"\)/);
        expect(source).not.toMatch(/from "@\/server\/(?!auth)/);
      } else {
        expect(source).toContain(`requirePagePermission("${permission}")`);
      }
    });
  }
});
