import { describe, expect, it } from "vitest";
import { commandsOutcome } from "./command-outcome";
import { backoffMs, mayRetry } from "./retry";

describe("retries", () => {
  const policy = { attempts: 3, backoffSeconds: 1, backoffFactor: 2 };
  it("back off exponentially from the second attempt", () => {
    expect([2, 3, 4].map((next) => backoffMs(policy, next))).toEqual([1000, 2000, 4000]);
  });
  it("stop after the allowed attempts", () => {
    expect(mayRetry(policy, 2)).toBe(true);
    expect(mayRetry(policy, 3)).toBe(false);
  });
});

describe("an agent step's commands", () => {
  it("wait until every command has an answer", () => {
    expect(commandsOutcome([{ replica: "a", status: "succeeded", error: null }, { replica: "b", status: "delivered", error: null }])).toEqual({ state: "waiting" });
  });
  it("succeed when all succeeded", () => {
    expect(commandsOutcome([{ replica: "a", status: "succeeded", error: null }])).toEqual({ state: "succeeded" });
  });
  it("fail on the first failure, refusal or expiry, saying which", () => {
    expect(
      commandsOutcome([
        { replica: "a", status: "succeeded", error: null },
        { replica: "b", status: "refused", error: "stale epoch 1: this agent has seen epoch 2" },
        { replica: "c", status: "pending", error: null },
      ]),
    ).toEqual({ state: "failed", reason: "b: refused (stale epoch 1: this agent has seen epoch 2)" });
    expect(commandsOutcome([{ replica: "a", status: "expired", error: null }])).toEqual({ state: "failed", reason: "a: expired" });
  });
  it("wait when there are none yet", () => {
    expect(commandsOutcome([])).toEqual({ state: "waiting" });
  });
});
