import { describe, expect, it } from "vitest";
import { succeeded } from "../commands/command-executor";
import type { VerifiedCommand } from "../commands/verify-command";
import { ServerChanges, trackingServerChanges } from "./server-changes";

const command = (kind: VerifiedCommand["kind"]) => ({ kind }) as VerifiedCommand;

describe("the commands changing the server", () => {
  it("make the latest probe untrustworthy while they run, and when they ended after it started", () => {
    let now = 1_000;
    const changes = new ServerChanges(() => now);
    expect(changes.since(900)).toBeNull();
    const ended = changes.started("fence");
    expect(changes.since(900)).toBe("a fence command is running");
    expect(changes.since(2_000)).toBe("a fence command is running");
    now = 1_500;
    ended();
    expect(changes.since(1_400)).toBe("a fence command ended after the agent's latest probe of its server started");
    expect(changes.since(1_500)).toBe("a fence command ended after the agent's latest probe of its server started");
    expect(changes.since(1_501)).toBeNull();
  });

  it("are tracked for fence, unfence, promote, repoint and rewind, whether they succeed or throw, and not for the others", async () => {
    const changes = new ServerChanges(() => 0);
    const seen: (string | null)[] = [];
    const executor = trackingServerChanges(
      {
        execute: async (verified) => {
          seen.push(changes.since(-1));
          if (verified.kind === "rewind") throw new Error("pg_rewind failed");
          return succeeded({});
        },
      },
      changes,
    );
    for (const kind of ["fence", "unfence", "promote", "repoint", "checkpoint", "verify-write", "sync-standbys"] as const) await executor.execute(command(kind));
    await expect(executor.execute(command("rewind"))).rejects.toThrow("pg_rewind failed");
    expect(seen).toEqual([
      "a fence command is running",
      "an unfence command is running",
      "a promote command is running",
      "a repoint command is running",
      // The repoint ended at 0, after a probe that started at -1.
      "a repoint command ended after the agent's latest probe of its server started",
      "a repoint command ended after the agent's latest probe of its server started",
      "a repoint command ended after the agent's latest probe of its server started",
      "a rewind command is running",
    ]);
    expect(changes.since(1)).toBeNull();
  });
});
