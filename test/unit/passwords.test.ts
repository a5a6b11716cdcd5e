import { performance } from "node:perf_hooks";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { describe, expect, it } from "vitest";
import { PasswordSlots } from "@/server/auth/password-slots";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/server/auth/passwords";
import { RateLimitedError } from "@/server/errors";

describe("password hashes", () => {
  it("are argon2id with today's parameters, and verify only the right password", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(passwordNeedsRehash(hash)).toBe(false);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
  });

  it("count every byte of a password longer than bcrypt's 72", async () => {
    const long = "p".repeat(72) + "-the-rest-matters";
    expect(Buffer.byteLength(long)).toBeGreaterThan(72);
    const hash = await hashPassword(long);
    expect(await verifyPassword(long, hash)).toBe(true);
    expect(await verifyPassword("p".repeat(72), hash)).toBe(false);
    expect(await verifyPassword("p".repeat(72) + "-something-else", hash)).toBe(false);
  });

  it("written by bcrypt before still verify, and are marked for replacement", async () => {
    const legacy = await bcryptHash("an-old-password-1", 4);
    expect(await verifyPassword("an-old-password-1", legacy)).toBe(true);
    expect(await verifyPassword("an-old-password-2", legacy)).toBe(false);
    expect(passwordNeedsRehash(legacy)).toBe(true);
    expect(passwordNeedsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA")).toBe(true);
  });

  it("an unknown account is compared against a decoy, never accepted", async () => {
    expect(await verifyPassword("anything", null)).toBe(false);
  });

  it("are computed off the event loop: the loop stays idle while 8 hashes run", async () => {
    const hash = await hashPassword("a-password-to-check");
    const before = performance.eventLoopUtilization();
    await Promise.all(Array.from({ length: 8 }, () => verifyPassword("a-wrong-password", hash)));
    const { utilization } = performance.eventLoopUtilization(before);
    // Hashing on the main thread (bcryptjs) keeps it near 1: the loop does nothing else.
    expect(utilization).toBeLessThan(0.5);
  });
});

describe("PasswordSlots", () => {
  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  }

  it("runs at most `concurrency` at once, in order, and refuses beyond the queue", async () => {
    const slots = new PasswordSlots(2, 3);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const runs = gates.map((g, index) =>
      slots.run(async () => {
        started.push(index);
        await g.opened;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(slots.load).toEqual({ running: 2, waiting: 3 });
    await expect(slots.run(async () => "one too many")).rejects.toBeInstanceOf(RateLimitedError);
    gates[1]!.open();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    expect(slots.load.running).toBe(2);
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it("frees the slot when the work fails", async () => {
    const slots = new PasswordSlots(1, 0);
    await expect(slots.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots.run(async () => "next")).toBe("next");
  });
});
