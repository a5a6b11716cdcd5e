import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The browser side of the console: it reaches the API only through client/api-client.ts, by operation id. */
const CONSOLE_FOLDERS = ["client", "components", "app"];
/** The route handlers themselves live at their paths. */
const NOT_CONSOLE = new Set([path.join("app", "api")]);

function consoleFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_CONSOLE.has(file)) consoleFiles(file, found);
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      found.push(file);
    }
  }
  return found;
}

const files = CONSOLE_FOLDERS.flatMap((folder) => consoleFiles(folder)).map((file) => ({ file, source: fs.readFileSync(path.join(ROOT, file), "utf8") }));

/** Lines that spell an API path by hand instead of naming the operation (its path comes from the operation table). */
function handWrittenPaths(source: string): string[] {
  return source.split("\n").filter((line) => /\/api\/v\d+\//.test(line) || /["'`]\/api\/v\d+["'`]/.test(line));
}

/** Lines with a server action directive, a second way to change something besides the API. */
function serverActions(source: string): string[] {
  return source.split("\n").filter((line) => /^\s*["']use server["'];?\s*$/.test(line));
}

describe("the console's one API client", () => {
  it("finds the console's files", () => {
    expect(files.map(({ file }) => file)).toEqual(expect.arrayContaining([path.join("client", "api-client.ts"), path.join("components", "alerts", "alert-row.tsx")]));
    expect(files.some(({ file }) => file.startsWith(path.join("app", "api")))).toBe(false);
  });

  it("the checks catch what they look for", () => {
    expect(handWrittenPaths('apiRequest("GET", `/api/v1/runs/${id}`, runSchema)')).toHaveLength(1);
    expect(handWrittenPaths('fetch("/api/v1/fleet")')).toHaveLength(1);
    expect(handWrittenPaths('api.call("getRun", { params: { id } })')).toHaveLength(0);
    expect(serverActions('"use server";\n\nexport async function act() {}')).toHaveLength(1);
    expect(serverActions('"use client";')).toHaveLength(0);
  });

  for (const { file, source } of files) {
    it(`${file} spells no API path by hand and holds no server action`, () => {
      expect(handWrittenPaths(source), "call the operation by id through client/api-client.ts").toEqual([]);
      expect(serverActions(source), "change things through the API (a TanStack mutation over client/api-client.ts)").toEqual([]);
    });
  }
});
