import { describe, expect, it } from "vitest";
import { backoffDelayMs, FailureStreak, LoopWaits, REPEAT_LOG_MS } from "./retry";

describe("backoffDelayMs", () => {
  it("doubles per failure, with jitter, up to about 30 s", () => {
    expect(backoffDelayMs(1, () => 0)).toBe(500);
    expect(backoffDelayMs(1, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, () => 1)).toBe(4000);
    expect(backoffDelayMs(20, () => 1)).toBe(30_000);
    expect(backoffDelayMs(20, () => 0)).toBe(15_000);
  });
});

describe("FailureStreak", () => {
  it("logs a streak's first failure, then at most once a minute, and counts them all", () => {
    let now = 1_000;
    const streak = new FailureStreak(() => now);
    expect(streak.addLogged()).toBe(true);
    now += REPEAT_LOG_MS - 1;
    expect(streak.addLogged()).toBe(false);
    expect(streak.add()).toBe(3);
    now += 1;
    expect(streak.addLogged()).toBe(true);
    expect(streak.failures).toBe(4);
  });

  it("ends with the streak's length, and the next failure starts a new streak that is logged at once", () => {
    let now = 0;
    const streak = new FailureStreak(() => now);
    expect(streak.end()).toBe(0);
    streak.addLogged();
    streak.add();
    expect(streak.end()).toBe(2);
    now += 1;
    expect(streak.addLogged()).toBe(true);
    expect(streak.failures).toBe(1);
  });
});

describe("LoopWaits", () => {
  const settled = async (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50))]);

  it("ends a sleep on wake, and remembers a wake that came before the sleep", async () => {
    const waits = new LoopWaits();
    const sleeping = waits.sleep(60_000);
    expect(await settled(sleeping)).toBe(false);
    waits.wake();
    expect(await settled(sleeping)).toBe(true);

    waits.wake();
    expect(await settled(waits.sleep(60_000))).toBe(true);
    const next = waits.sleep(60_000);
    expect(await settled(next)).toBe(false);
    waits.stop();
    await next;
  });

  it("ends a sleep on stop, aborts its signal, and sleeps no more afterwards", async () => {
    const waits = new LoopWaits();
    const sleeping = waits.sleep(60_000);
    waits.stop();
    expect(await settled(sleeping)).toBe(true);
    expect(waits.signal.aborted).toBe(true);
    expect(waits.stopped).toBe(true);
    expect(await settled(waits.sleep(60_000))).toBe(true);
  });
});
