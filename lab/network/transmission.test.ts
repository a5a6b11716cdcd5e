import { describe, expect, it } from "vitest";
import { CONNECT_GIVES_UP_AT_MS, SYN_ATTEMPTS_AT_MS, handshakeGetsThrough, releaseTime, retransmissionDelayMs } from "./transmission";

/** A random source that answers these values in turn. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => {
    const value = values[index];
    index += 1;
    if (value === undefined) throw new Error("the random sequence ran out");
    return value;
  };
}

describe("link timing", () => {
  it("holds each chunk for the one-way delay: 40 ms each way is 80 ms a round trip", () => {
    const there = releaseTime({ arrivedAt: 1_000, sendableAt: 0, delayMs: 40, retransmissionMs: 0, previousReleaseAt: 0 });
    const back = releaseTime({ arrivedAt: there, sendableAt: 0, delayMs: 40, retransmissionMs: 0, previousReleaseAt: 0 });
    expect(back - 1_000).toBe(80);
  });

  it("keeps order: a chunk never overtakes the one ahead, even one held back by a retransmission", () => {
    const lost = releaseTime({ arrivedAt: 0, sendableAt: 0, delayMs: 40, retransmissionMs: 280, previousReleaseAt: 0 });
    expect(lost).toBe(320);
    expect(releaseTime({ arrivedAt: 5, sendableAt: 0, delayMs: 40, retransmissionMs: 0, previousReleaseAt: lost })).toBe(320);
    expect(releaseTime({ arrivedAt: 400, sendableAt: 0, delayMs: 40, retransmissionMs: 0, previousReleaseAt: lost })).toBe(440);
  });

  it("counts data sent before the emulated handshake finished as sent when it did", () => {
    // Connected at 0 over a 40 ms link: connect() would have returned at 80, the data reaches the far end at 120.
    expect(releaseTime({ arrivedAt: 1, sendableAt: 80, delayMs: 40, retransmissionMs: 0, previousReleaseAt: 0 })).toBe(120);
  });

  it("retransmits a lost chunk after a round trip plus 200 ms, then after twice as long each time", () => {
    expect(retransmissionDelayMs(0, 80, sequence())).toBe(0);
    expect(retransmissionDelayMs(0.5, 80, sequence(0.9))).toBe(0);
    expect(retransmissionDelayMs(0.5, 80, sequence(0.1, 0.9))).toBe(280);
    expect(retransmissionDelayMs(0.5, 80, sequence(0.1, 0.2, 0.3, 0.9))).toBe(280 + 560 + 1_120);
  });

  it("gives up, as TCP resets the connection, after 15 retransmissions of the same chunk", () => {
    expect(retransmissionDelayMs(1, 0, () => 0.5)).toBeNull();
    expect(retransmissionDelayMs(0.5, 0, sequence(...Array<number>(15).fill(0.1), 0.9))).toBeGreaterThan(0);
  });

  it("retries a handshake on Linux's schedule: 1, 3, 7… s, giving up at 127 s", () => {
    expect(SYN_ATTEMPTS_AT_MS).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 63_000]);
    expect(CONNECT_GIVES_UP_AT_MS).toBe(127_000);
    expect(handshakeGetsThrough(false, 0, sequence())).toBe(false);
    expect(handshakeGetsThrough(true, 0, sequence())).toBe(true);
    expect(handshakeGetsThrough(true, 0.3, sequence(0.2))).toBe(false);
    expect(handshakeGetsThrough(true, 0.3, sequence(0.3))).toBe(true);
  });
});
