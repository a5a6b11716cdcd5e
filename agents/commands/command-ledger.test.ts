import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommandLedger, LEDGER_FILE, LedgerError, RESTARTED_WHILE_EXECUTING } from "./command-ledger";
import type { VerifiedCommand } from "./verify-command";

let dir: string;
let clock: Date;
const now = () => clock;
const seconds = () => Math.floor(clock.getTime() / 1000);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-ledger-"));
  clock = new Date("2026-11-26T04:00:00.000Z");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function command(id: string, epoch: number, expiresIn = 300): VerifiedCommand {
  return {
    id,
    kind: "checkpoint",
    args: {},
    claims: { iss: "switchyard", aud: "a", jti: id, iat: seconds(), exp: seconds() + expiresIn, kind: "checkpoint", args: {}, serviceId: "s", replica: "r", epoch },
  };
}

const open = () => CommandLedger.open(dir, now);

describe("CommandLedger", () => {
  it("admits a command, records it as executing before it runs, and raises the highest epoch to its own", () => {
    const ledger = open();
    expect(ledger.highestEpoch).toBe(0);
    expect(ledger.admit(command("c1", 3))).toEqual({ admitted: true });
    expect(ledger.highestEpoch).toBe(3);
    expect(ledger.find("c1")).toMatchObject({ id: "c1", epoch: 3, answer: null, delivered: false, startedAt: clock.toISOString() });
    expect(JSON.parse(readFileSync(path.join(dir, LEDGER_FILE), "utf8"))).toMatchObject({ highestEpoch: 3, commands: [{ id: "c1", answer: null }] });
  });

  it("refuses a command from an older epoch, says so, and does not record it", () => {
    const ledger = open();
    ledger.admit(command("c1", 5));
    expect(ledger.admit(command("c2", 4))).toEqual({ admitted: false, answer: { status: "refused", output: null, error: "stale epoch 4: this agent has seen epoch 5" } });
    expect(ledger.find("c2")).toBeUndefined();
    expect(ledger.admit(command("c3", 5))).toEqual({ admitted: true });
    expect(ledger.admit(command("c4", 6))).toEqual({ admitted: true });
    expect(ledger.highestEpoch).toBe(6);
  });

  it("never admits the same command twice: the second copy is refused with the first one's output", () => {
    const ledger = open();
    const first = command("c1", 2);
    ledger.admit(first);
    const startedAt = clock.toISOString();
    ledger.finish("c1", { status: "succeeded", output: { lsn: "42" }, error: null });
    clock = new Date(clock.getTime() + 60_000);
    expect(ledger.admit(first)).toEqual({
      admitted: false,
      answer: { status: "refused", output: { lsn: "42" }, error: `command c1 was already executed at ${startedAt}; not executing it again` },
    });
  });

  it("keeps the epoch, the commands and their answers across a reopen", () => {
    const first = open();
    first.admit(command("c1", 7));
    first.finish("c1", { status: "failed", output: null, error: "boom" });
    const second = open();
    expect(second.highestEpoch).toBe(7);
    expect(second.undelivered().map((entry) => [entry.id, entry.answer])).toEqual([["c1", { status: "failed", output: null, error: "boom" }]]);
    expect(second.admit(command("c2", 6))).toMatchObject({ admitted: false });
    expect(second.admit(command("c1", 7))).toMatchObject({ admitted: false, answer: { error: expect.stringMatching(/already executed/) } });
    second.markDelivered("c1");
    expect(open().undelivered()).toEqual([]);
  });

  it("answers a command cut off by a restart as failed, state unknown, and never runs it again", () => {
    open().admit(command("c1", 1));
    const reopened = open();
    expect(reopened.interrupted.map((entry) => entry.id)).toEqual(["c1"]);
    expect(reopened.find("c1")!.answer).toEqual({ status: "failed", output: null, error: RESTARTED_WHILE_EXECUTING });
    expect(reopened.undelivered().map((entry) => entry.id)).toEqual(["c1"]);
    expect(reopened.admit(command("c1", 1))).toMatchObject({ admitted: false });
    // Answered once and for all: the next start finds nothing interrupted.
    expect(open().interrupted).toEqual([]);
  });

  it("forgets a delivered command an hour after it expired, and keeps an undelivered one", () => {
    const ledger = open();
    ledger.admit(command("old", 1, 60));
    ledger.finish("old", { status: "succeeded", output: { lsn: "1" }, error: null });
    ledger.markDelivered("old");
    ledger.admit(command("undelivered", 1, 60));
    ledger.finish("undelivered", { status: "succeeded", output: { lsn: "2" }, error: null });
    clock = new Date(clock.getTime() + 59 * 60_000);
    ledger.admit(command("c3", 1));
    expect(ledger.find("old")).toBeDefined();
    clock = new Date(clock.getTime() + 2 * 60_000 + 1000);
    ledger.admit(command("c4", 1));
    expect(ledger.find("old")).toBeUndefined();
    expect(ledger.find("undelivered")).toBeDefined();
    expect(ledger.highestEpoch).toBe(1);
  });

  it("replaces its file atomically, leaving no temporary file", () => {
    const ledger = open();
    ledger.admit(command("c1", 1));
    ledger.finish("c1", { status: "succeeded", output: { lsn: "1" }, error: null });
    expect(readdirSync(dir)).toEqual([LEDGER_FILE]);
  });

  it("refuses to guess when its file is damaged: the epoch it held is unknown", () => {
    writeFileSync(path.join(dir, LEDGER_FILE), '{"version":1,"highestEpoch":');
    expect(() => open()).toThrow(LedgerError);
    writeFileSync(path.join(dir, LEDGER_FILE), JSON.stringify({ version: 1, highestEpoch: -1, commands: [] }));
    expect(() => open()).toThrow(/damaged/);
  });

  it("starts empty in a new folder", () => {
    const nested = path.join(dir, "queue");
    expect(open().highestEpoch).toBe(0);
    expect(CommandLedger.open(nested, now).highestEpoch).toBe(0);
    expect(existsSync(path.join(nested, LEDGER_FILE))).toBe(false);
  });
});
