import { linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InPlaceFile } from "./in-place-file";

const dirs: string[] = [];
const fileIn = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-in-place-"));
  dirs.push(dir);
  return path.join(dir, "state.json");
};
// A second name for the file sees a write only if it went into this file, not into one renamed over it.
const secondName = (file: string, name: string) => {
  const link = path.join(path.dirname(file), name);
  linkSync(file, link);
  return link;
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("a state file written over in place", () => {
  it("replaces what an earlier process left, at any width, then writes over it in place at the fixed width", () => {
    const file = fileIn();
    writeFileSync(file, JSON.stringify({ left: "by an earlier process, wider than the fixed width of the file".repeat(3) }));
    const out = new InPlaceFile(file, 64);
    out.write(JSON.stringify({ n: 1 }), { durable: false });
    expect(statSync(file).size).toBe(64);
    const link = secondName(file, "link");
    out.write(JSON.stringify({ n: 22 }), { durable: false });
    out.write(JSON.stringify({ n: 3 }), { durable: true });
    expect(JSON.parse(readFileSync(link, "utf8"))).toEqual({ n: 3 });
    expect(statSync(file).size).toBe(64);
    out.close();
  });

  it("writes content wider than the fixed width by a rename at its own length, and the next write back at the width", () => {
    const file = fileIn();
    const out = new InPlaceFile(file, 64);
    out.write(JSON.stringify({ n: 1 }), { durable: false });
    const before = secondName(file, "before");
    const wide = { commands: Array.from({ length: 8 }, (_, i) => `command-${i}`) };
    out.write(JSON.stringify(wide), { durable: true });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(wide);
    expect(JSON.parse(readFileSync(before, "utf8"))).toEqual({ n: 1 });
    out.write(JSON.stringify({ n: 2 }), { durable: false });
    expect(statSync(file).size).toBe(64);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ n: 2 });
    const after = secondName(file, "after");
    out.write(JSON.stringify({ n: 3 }), { durable: false });
    expect(JSON.parse(readFileSync(after, "utf8"))).toEqual({ n: 3 });
    out.close();
  });
});
