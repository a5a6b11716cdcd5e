import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RebuildMarker } from "./rebuild-marker";

const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rebuild-marker-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("RebuildMarker", () => {
  it("remembers a rebuild from its beginning until it finishes", () => {
    const dir = stateDir();
    const marker = new RebuildMarker(dir);
    expect(marker.read()).toBeNull();
    marker.begin("10.0.0.2:5432", new Date("2026-12-08T03:00:00Z"));
    expect(new RebuildMarker(dir).read()).toEqual({ primary: "10.0.0.2:5432", startedAt: "2026-12-08T03:00:00.000Z" });
    expect(statSync(path.join(dir, "rebuild-unfinished.json")).mode & 0o777).toBe(0o600);
    marker.finish();
    expect(marker.read()).toBeNull();
    // Finishing twice is harmless: a repoint finishes whatever rebuild may have been left.
    marker.finish();
  });

  it("counts a file it cannot make sense of as a rebuild that began, to an unknown primary", () => {
    const dir = stateDir();
    writeFileSync(path.join(dir, "rebuild-unfinished.json"), '{"primary": "10.0.0.2:54');
    expect(new RebuildMarker(dir).read()).toEqual({ primary: "unknown", startedAt: "unknown" });
    writeFileSync(path.join(dir, "rebuild-unfinished.json"), "[]");
    expect(new RebuildMarker(dir).read()).toEqual({ primary: "unknown", startedAt: "unknown" });
  });

  it("leaves no temporary file behind", () => {
    const dir = stateDir();
    new RebuildMarker(dir).begin("db:5432");
    expect(() => readFileSync(path.join(dir, "rebuild-unfinished.json.tmp"))).toThrow(/ENOENT/);
  });
});
