import { linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

  it("has a newer grant written only once the one on disk is a quarter of its period old, also after a reopen", () => {
    const dir = freshDir();
    const { store } = LeaseStateFile.open(dir);
    const grant = (at: string) => ({ sentAt: `2026-11-26T10:00:0${at}Z`, periodMs: 4000 });
    expect(store.grantWorthWriting(grant("0.000"))).toBe(true);
    store.save({ grant: grant("0.000"), selfFence: null }, { durable: false });
    expect(store.grantWorthWriting(grant("0.999"))).toBe(false);
    expect(store.grantWorthWriting(grant("1.000"))).toBe(true);
    const reopened = LeaseStateFile.open(dir).store;
    expect(reopened.grantWorthWriting(grant("0.999"))).toBe(false);
    expect(reopened.grantWorthWriting(grant("1.000"))).toBe(true);
    reopened.save({ grant: null, selfFence: null }, { durable: true });
    expect(reopened.grantWorthWriting(grant("0.001"))).toBe(true);
  });

  it("writes grants over the file in place, and a self-fence of many commands by a rename, read back whole", () => {
    const dir = freshDir();
    const file = path.join(dir, LEASE_STATE_FILE);
    const { store } = LeaseStateFile.open(dir);
    const grant = (second: number) => ({ sentAt: `2026-11-26T10:00:0${second}.000Z`, periodMs: 4000 });
    store.save({ grant: grant(0), selfFence: null }, { durable: false });
    // A second name sees the later grants only if they are written into this file, not renamed over it.
    linkSync(file, path.join(dir, "grant-link"));
    store.save({ grant: grant(1), selfFence: null }, { durable: false });
    expect(JSON.parse(readFileSync(path.join(dir, "grant-link"), "utf8")).grant).toEqual(grant(1));

    const selfFence = { at: "2026-11-26T10:00:06.000Z", commandsBefore: Array.from({ length: 30 }, (_, i) => `0b9f5c2e-7d41-4c2a-9e0f-${String(i).padStart(12, "0")}`) };
    store.save({ grant: grant(1), selfFence }, { durable: true });
    expect(LeaseStateFile.open(dir).state).toEqual({ grant: grant(1), selfFence });
    store.save({ grant: grant(2), selfFence: null }, { durable: true });
    expect(LeaseStateFile.open(dir)).toMatchObject({ state: { grant: grant(2), selfFence: null }, problem: null });
    expect(statSync(file).size).toBeLessThan(JSON.stringify(selfFence).length);
    store.close();
  });

  it("says why a damaged file cannot be read, and remembers nothing from it", () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, LEASE_STATE_FILE), '{"version":1,"grant":{"sentAt":"yesterday"}}');
    const opened = LeaseStateFile.open(dir);
    expect(opened.state).toEqual(EMPTY_LEASE_STATE);
    expect(opened.problem).toMatch(/primary-lease\.json is damaged/);
  });
});
