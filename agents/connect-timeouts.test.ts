import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamClient } from "./commands/upstream-security";
import { closeClient, connectWithin, newClient, newKeptClient } from "./pg-client";
import { PeerProbes } from "./witness";

let silent: net.Server;
let port: number;
beforeAll(async () => {
  silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as AddressInfo).port;
});
afterAll(() => {
  silent.close();
});

/**
 * Runs `attempt` 25 times on a loaded event loop (turns of 3 ms each, so
 * timers fall due together), each after another timer of `timeoutMs` started
 * just before: with node-postgres's connect timeout as long as the agent's,
 * its timer used to fire first (1 time in 4 for the witness). Returns the
 * errors the attempts ended with.
 */
async function underLoad(timeoutMs: number, attempt: () => Promise<string>): Promise<string[]> {
  const errors: string[] = [];
  let loaded = true;
  const turn = () => {
    const busyUntil = Date.now() + 3;
    while (Date.now() < busyUntil);
    if (loaded) setImmediate(turn);
  };
  turn();
  try {
    for (let i = 0; i < 25; i++) {
      setTimeout(() => {}, timeoutMs);
      const busyUntil = Date.now() + 2;
      while (Date.now() < busyUntil);
      errors.push(await attempt());
    }
  } finally {
    loaded = false;
  }
  return errors;
}

/** Connects through connectWithin to a server that accepts TCP but never answers; the error it ended with. */
async function connectError(client: import("pg").Client, timeoutMs: number): Promise<string> {
  client.on("error", () => {});
  try {
    await connectWithin(client, timeoutMs, "connection to hung");
    return "connected";
  } catch (error) {
    return (error as Error).message;
  } finally {
    // Not awaited: ending a connection the server never answered waits out closeClient's grace.
    void closeClient(client);
  }
}

const TIMED_OUT = /^connection to hung timed out after \d+ ms$/;

describe("a connect to a server that accepts TCP but never answers", () => {
  it("says what timed out and after how long for a witness probe, even when a timer of the same length started just before", async () => {
    const probes = new PeerProbes();
    try {
      const errors = await underLoad(100, async () => {
        const { probe } = await probes.probePeer({ replica: "hung", regionId: "x", connectionString: `postgresql://u@127.0.0.1:${port}/db` }, 100);
        expect(probe.reachable).toBe(false);
        return probe.error ?? "";
      });
      expect(errors.filter((error) => !TIMED_OUT.test(error))).toEqual([]);
    } finally {
      await probes.close();
    }
  });

  it.each([
    ["a command's client (newClient)", () => newClient(`postgresql://u@127.0.0.1:${port}/db`, 100, "test")],
    ["a kept client (newKeptClient)", () => newKeptClient(`postgresql://u@127.0.0.1:${port}/db`, 100, "test")],
    ["a client of the primary (upstreamClient)", () => upstreamClient({ host: "127.0.0.1", port, user: "u", password: "p" }, { replication: true, applicationName: "test", timeoutMs: 100 })],
  ])("says what timed out and after how long for %s: node-postgres's own connect timeout is only a backstop", async (_, makeClient) => {
    const errors = await underLoad(100, () => connectError(makeClient(), 100));
    expect(errors.filter((error) => !TIMED_OUT.test(error))).toEqual([]);
  });
});
