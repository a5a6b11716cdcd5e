import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { collectEvery, exposedCollector, FULL_COLLECTION_EVERY_MS } from "./heap-collection";
import { AGENT_NODE_FLAGS } from "./node-flags";

afterEach(() => {
  vi.useRealTimers();
});

describe("exposedCollector", () => {
  it("calls the gc that --expose-gc defines", () => {
    const gc = vi.fn();
    exposedCollector({ gc })!();
    expect(gc).toHaveBeenCalledOnce();
  });

  it("is null when Node runs without --expose-gc", () => {
    expect(exposedCollector({})).toBeNull();
    expect(exposedCollector({ gc: "not a function" })).toBeNull();
  });

  it("finds gc in a Node started with the agent's flags, and none without them", async () => {
    const probe = "console.log(typeof globalThis.gc)";
    const run = async (flags: string[]) => (await promisify(execFile)(process.execPath, [...flags, "-e", probe])).stdout.trim();
    expect(await run([...AGENT_NODE_FLAGS])).toBe("function");
    expect(await run([])).toBe("undefined");
  });
});

describe("collectEvery", () => {
  it("collects once per period until stopped", () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const collection = collectEvery(collect);
    vi.advanceTimersByTime(FULL_COLLECTION_EVERY_MS - 1);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(2 * FULL_COLLECTION_EVERY_MS);
    expect(collect).toHaveBeenCalledTimes(3);
    collection.stop();
    vi.advanceTimersByTime(10 * FULL_COLLECTION_EVERY_MS);
    expect(collect).toHaveBeenCalledTimes(3);
  });
});
