import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Folders that hold no production code of ours, or are not ours at all. */
const NOT_PRODUCTION = new Set(["node_modules", ".next", ".git", ".switchyard", "test", "e2e", "bench", "generated", "test-results", "playwright-report"]);

/**
 * Which top-level folders each layer's production code may import. `embedded`
 * (the PostgreSQL binaries), `prisma` (the seed's demo topology) and
 * `package.json` (the version) are leaves that import none of these layers.
 */
const MAY_IMPORT: Record<string, string[]> = {
  app: ["app", "server", "core", "contracts", "client", "components"],
  components: ["components", "client", "core", "contracts"],
  client: ["client", "core", "contracts"],
  server: ["server", "core", "contracts", "embedded", "prisma", "package.json"],
  agents: ["agents", "core", "contracts", "embedded", "package.json"],
  cli: ["cli", "client", "core", "contracts"],
  core: ["core", "contracts"],
  contracts: ["contracts", "core"],
};

/** Imports across the directions above that are known and accepted, each with why; an entry no import uses any more fails the test. */
const ACCEPTED_CROSSINGS: { from: string; to: string; why: string }[] = [
  { from: "server/discovery/read-server.ts", to: "agents/pg-client", why: "discovery reads a server as the agent does, with the agent's bounded PostgreSQL client" },
  { from: "server/discovery/read-mariadb-server.ts", to: "agents/mariadb/client", why: "discovery closes a MariaDB connection as the agent does, without waiting on a peer that never answers" },
  { from: "server/discovery/read-mariadb-server.ts", to: "agents/pg-client", why: "discovery bounds a MariaDB read with the deadline helper the PostgreSQL read uses" },
  { from: "server/lab/lab-credentials.ts", to: "agents/enrollment/agent-state", why: "the lab reads back the state files its own agents wrote" },
  { from: "server/drills/canary-credentials.ts", to: "lab/state", why: "a drill's canary writes to the lab's service with the lab's own credentials, read from its state file" },
  { from: "server/drills/canary-credentials.ts", to: "lab/topology", why: "which service is the lab's, and the role its credentials belong to" },
];

interface Import {
  from: string;
  to: string;
}

function productionFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (NOT_PRODUCTION.has(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) productionFiles(file, found);
    else if (/\.tsx?$/.test(entry.name) && !/\.(test|spec|d)\.tsx?$/.test(entry.name)) found.push(file);
  }
  return found;
}

/** Every import, export-from, dynamic import and require of our own modules, as TypeScript's own pre-processor reads them. */
function importsOf(file: string, source: string): Import[] {
  const from = path.relative(ROOT, file);
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .filter((name) => name.startsWith("@/") || name.startsWith("."))
    .map((name) => ({ from, to: name.startsWith("@/") ? name.slice(2) : path.relative(ROOT, path.resolve(path.dirname(file), name)) }));
}

const top = (file: string) => file.split("/")[0]!;
const isAccepted = (edge: Import) => ACCEPTED_CROSSINGS.some((accepted) => accepted.from === edge.from && accepted.to === edge.to);

/** Imports that break the layers' directions. */
function wrongDirections(imports: Import[]): string[] {
  return imports
    .filter((edge) => {
      const allowed = MAY_IMPORT[top(edge.from)];
      const intoApp = top(edge.to) === "app" && top(edge.from) !== "app";
      return (intoApp || (allowed !== undefined && !allowed.includes(top(edge.to)))) && !isAccepted(edge);
    })
    .map((edge) => `${edge.from} imports ${edge.to}`);
}

const serverFolder = (file: string) => (file.startsWith("server/") && file.split("/").length > 2 ? file.split("/").slice(0, 2).join("/") : null);

/** The edges between `server/` folders, with the imports behind each. */
function serverFolderEdges(imports: Import[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const edge of imports) {
    const from = serverFolder(edge.from);
    const to = serverFolder(edge.to);
    if (!from || !to || from === to) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
  return edges;
}

/** Groups of `server/` folders that reach each other (Tarjan's strongly connected components). */
function serverFolderCycles(imports: Import[]): string[][] {
  const edges = serverFolderEdges(imports);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (folder: string) => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    for (const next of edges.get(folder) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
    }
    if (low.get(folder) !== index.get(folder)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      group.push(member);
    } while (member !== folder);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);
  return cycles;
}

const imports = productionFiles(ROOT).flatMap((file) => importsOf(file, fs.readFileSync(file, "utf8")));

describe("import directions", () => {
  it("reads the imports of the source tree", () => {
    expect(imports.some((edge) => edge.from === "server/automation/automation-loop.ts" && edge.to === "core/automation/decide")).toBe(true);
  });

  it("keeps app → server → core/contracts, agents and cli → core/contracts, and nothing imports app", () => {
    expect(wrongDirections(imports)).toEqual([]);
  });

  it("has no cycles between server/ folders", () => {
    expect(serverFolderCycles(imports)).toEqual([]);
  });

  it("lists only accepted crossings that still exist", () => {
    expect(ACCEPTED_CROSSINGS.filter(({ from, to }) => !imports.some((edge) => edge.from === from && edge.to === to))).toEqual([]);
  });

  it("catches a wrong direction and a cycle", () => {
    const file = (name: string) => path.join(ROOT, name);
    const planted = [
      ...importsOf(file("core/automation/decide.ts"), `import { db } from "@/server/db/client";`),
      ...importsOf(file("agents/agent.ts"), `export { x } from "../server/version";`),
      ...importsOf(file("cli/main.ts"), `const page = await import("@/app/page");`),
    ];
    expect(wrongDirections(planted)).toEqual(["core/automation/decide.ts imports server/db/client", "agents/agent.ts imports server/version", "cli/main.ts imports app/page"]);
    const cycle = [
      ...importsOf(file("server/automation/carry-out.ts"), `import { startRun } from "../runs/start-run";`),
      ...importsOf(file("server/runs/old-primary-lease.ts"), `import { automationSnapshot } from "../automation/automation-snapshots";`),
    ];
    expect(serverFolderCycles(cycle)).toEqual([["server/automation", "server/runs"]]);
  });
});
