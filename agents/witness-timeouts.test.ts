import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeerProbes } from "./witness";

let silent: net.Server;
beforeAll(async () => {
  silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});
afterAll(() => {
  silent.close();
});

describe("a witness probe of a peer that accepts TCP but never answers", () => {
  it("says what timed out and after how long, even when a timer of the same length started just before (node-postgres's own connect timeout used to win that race)", async () => {
    const probes = new PeerProbes();
    const errors: string[] = [];
    // A loaded event loop: turns of 3 ms each, so timers fall due together.
    let loaded = true;
    const turn = () => {
      const busyUntil = Date.now() + 3;
      while (Date.now() < busyUntil);
      if (loaded) setImmediate(turn);
    };
    turn();
    try {
      for (let i = 0; i < 40; i++) {
        // Another timer of the probe's length, just older: with the loop this busy, node-postgres's timer used to fire first 1 time in 4.
        setTimeout(() => {}, 100);
        const busyUntil = Date.now() + 2;
        while (Date.now() < busyUntil);
        const { probe } = await probes.probePeer({ replica: "hung", regionId: "x", connectionString: `postgresql://u@127.0.0.1:${(silent.address() as AddressInfo).port}/db` }, 100);
        expect(probe.reachable).toBe(false);
        errors.push(probe.error ?? "");
      }
    } finally {
      loaded = false;
      await probes.close();
    }
    expect(errors.filter((error) => !/^connection to hung timed out after \d+ ms$/.test(error))).toEqual([]);
  });
});
