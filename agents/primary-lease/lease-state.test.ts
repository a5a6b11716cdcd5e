import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EMPTY_LEASE_STATE, LEASE_STATE_FILE, LeaseStateFile } from "./lease-state";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-lease-state-"));
  dirs.push(dir);
  return dir;
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the lease keeper's state file", () => {
  it("starts empty, and gives back what was saved, durably or not", () => {
    const dir = freshDir();
    const opened = LeaseStateFile.open(dir);
    expect(opened).toMatchObject({ state: EMPTY_LEASE_STATE, problem: null });
    const state = { grant: { sentAt: "2026-11-26T10:00:00.000Z", periodMs: 5000 }, selfFence: { at: "2026-11-26T10:00:06.000Z", commandsBefore: ["c1"] } };
    opened.store.save(state, { durable: false });
    expect(LeaseStateFile.open(dir).state).toEqual(state);
    opened.store.save({ ...state, selfFence: null }, { durable: true });
    expect(LeaseStateFile.open(dir).state).toEqual({ ...state, selfFence: null });
    expect(JSON.parse(readFileSync(path.join(dir, LEASE_STATE_FILE), "utf8")).version).toBe(1);
  });

  it("says why a damaged file cannot be read, and remembers nothing from it", () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, LEASE_STATE_FILE), '{"version":1,"grant":{"sentAt":"yesterday"}}');
    const opened = LeaseStateFile.open(dir);
    expect(opened.state).toEqual(EMPTY_LEASE_STATE);
    expect(opened.problem).toMatch(/primary-lease\.json is damaged/);
  });
});
