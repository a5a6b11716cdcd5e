import { describe, expect, it } from "vitest";
import { decideLease, witnessLeaseEnd, type LeaseFacts } from "./lease-decision";

const PERIOD = 5_000;
const LEAD = 250;

/** A writable primary whose lease was granted 1 s ago (monotonic clock at 100 000 ms). */
function facts(overrides: Partial<LeaseFacts> = {}): LeaseFacts {
  return {
    now: 100_000,
    server: { role: "primary", readOnly: false },
    grant: { sentAt: 99_000, periodMs: PERIOD, restored: false },
    refusal: null,
    notOffered: false,
    graceUntil: 0,
    witnesses: ["w-eu", "w-us", "w-asia"],
    vouches: new Map(),
    selfFenced: false,
    leadMs: LEAD,
    ...overrides,
  };
}

describe("decideLease", () => {
  it("does nothing while the server does not answer", () => {
    expect(decideLease(facts({ server: null }))).toEqual({
      rule: "server-unknown",
      held: false,
      action: "none",
      until: null,
      sentence: "the local server does not answer: there is nothing to renew or fence until it does",
    });
  });

  it("holds nothing and does nothing on a standby, even refused or self-fenced", () => {
    const decision = decideLease(facts({ server: { role: "standby", readOnly: true }, refusal: "writes go to b, not to a", selfFenced: true }));
    expect(decision).toMatchObject({ rule: "standby", held: false, action: "none", sentence: "the local server is a standby: it takes no writes and holds no lease" });
  });

  it("fences a writable primary at once when the control plane refuses, whatever grant or witnesses it had", () => {
    const vouches = new Map([
      ["w-eu", 99_900],
      ["w-us", 99_900],
      ["w-asia", 99_900],
    ]);
    expect(decideLease(facts({ refusal: "writes go to b, not to a", vouches }))).toEqual({
      rule: "refused",
      held: false,
      action: "fence",
      until: null,
      sentence: "the control plane refused the lease (writes go to b, not to a); fencing the server",
    });
  });

  it("leaves a refused primary that is read-only already as it is", () => {
    expect(decideLease(facts({ refusal: "writes go to b, not to a", server: { role: "primary", readOnly: true } }))).toMatchObject({
      rule: "refused",
      action: "none",
      sentence: "the control plane refused the lease (writes go to b, not to a); the server is read-only already",
    });
  });

  it("does not fence when the control plane grants no leases, whatever lapsed", () => {
    expect(decideLease(facts({ notOffered: true, grant: null, graceUntil: 0 }))).toEqual({
      rule: "not-offered",
      held: false,
      action: "none",
      until: null,
      sentence: "the control plane grants no leases: this agent does not fence its primary by itself until it does",
    });
  });

  it("holds through the control plane until the period after the request was sent, less the lead", () => {
    const decision = decideLease(facts());
    expect(decision).toEqual({ rule: "control-plane", held: true, action: "none", until: 99_000 + PERIOD - LEAD, sentence: "the control plane granted the lease (4000 ms left)" });
    // The last moment it holds, and the first it does not.
    expect(decideLease(facts({ now: 99_000 + PERIOD - LEAD - 1 })).held).toBe(true);
    expect(decideLease(facts({ now: 99_000 + PERIOD - LEAD }))).toEqual({
      rule: "lapsed",
      held: false,
      action: "fence",
      until: null,
      sentence: "neither the control plane nor a majority of the witnesses in other regions renewed the lease within its period of 5000 ms; fencing the server",
    });
  });

  it("counts on the monotonic clock only: the same distances give the same answer wherever the clock starts", () => {
    for (const origin of [0, 12_345.678, 9e12]) {
      const at = (offset: number) => decideLease(facts({ now: origin + offset, grant: { sentAt: origin, periodMs: PERIOD, restored: false } })).held;
      expect([at(0), at(PERIOD - LEAD - 0.5), at(PERIOD - LEAD), at(PERIOD)]).toEqual([true, true, false, false]);
    }
  });

  it("says so when it holds by a grant remembered from before a restart", () => {
    expect(decideLease(facts({ grant: { sentAt: 99_000, periodMs: PERIOD, restored: true } })).sentence).toBe(
      "the control plane granted the lease (as granted before this agent restarted) (4000 ms left)",
    );
  });

  it("holds through a majority of the witnesses in other regions once the control plane's grant lapsed", () => {
    const grant = { sentAt: 90_000, periodMs: PERIOD, restored: false };
    const vouches = new Map([
      ["w-eu", 99_500],
      ["w-us", 98_000],
    ]);
    const decision = decideLease(facts({ grant, vouches }));
    // Two of three is a majority, until a period after the older of their two vouches: then only one is recent enough.
    expect(decision).toEqual({
      rule: "witnesses",
      held: true,
      action: "none",
      until: 98_000 + PERIOD - LEAD,
      sentence: "a majority of the 3 witnesses in other regions vouched within the period (3000 ms left)",
    });
    expect(decideLease(facts({ grant, vouches, now: 98_000 + PERIOD - LEAD })).rule).toBe("lapsed");
  });

  it("does not hold through fewer than a majority, nor through vouches from anyone but the witnesses", () => {
    const grant = { sentAt: 90_000, periodMs: PERIOD, restored: false };
    expect(decideLease(facts({ grant, vouches: new Map([["w-eu", 99_900]]) })).rule).toBe("lapsed");
    // A peer in this agent's own region, or a stranger, is not among the witnesses and does not count.
    const strangers = new Map([
      ["w-eu", 99_900],
      ["same-region-peer", 99_900],
      ["stranger", 99_900],
    ]);
    expect(decideLease(facts({ grant, vouches: strangers })).rule).toBe("lapsed");
    // Half is not more than half.
    const twoOfFour = new Map([
      ["a", 99_900],
      ["b", 99_900],
    ]);
    expect(decideLease(facts({ grant, witnesses: ["a", "b", "c", "d"], vouches: twoOfFour })).rule).toBe("lapsed");
    expect(decideLease(facts({ grant, witnesses: ["a", "b", "c", "d"], vouches: new Map([...twoOfFour, ["c", 99_000]]) })).rule).toBe("witnesses");
  });

  it("counts witnesses only with the period the control plane last granted to this process", () => {
    const vouches = new Map([
      ["w-eu", 99_900],
      ["w-us", 99_900],
    ]);
    // No grant yet: the period is unknown, and the grace has ended.
    expect(decideLease(facts({ grant: null, vouches, graceUntil: 99_000 })).rule).toBe("lapsed");
    // A grant remembered from before a restart: the control plane may not know which witnesses count now.
    expect(decideLease(facts({ grant: { sentAt: 80_000, periodMs: PERIOD, restored: true }, vouches })).rule).toBe("lapsed");
    // The last grant's period, whatever an earlier one was: a longer one holds longer.
    expect(witnessLeaseEnd({ grant: { sentAt: 0, periodMs: 20_000, restored: false }, witnesses: ["w-eu", "w-us", "w-asia"], vouches })).toBe(99_900 + 20_000);
  });

  it("takes whichever of the control plane and the witnesses holds longer", () => {
    const vouches = new Map([
      ["w-eu", 99_900],
      ["w-us", 99_950],
      ["w-asia", 99_990],
    ]);
    expect(decideLease(facts({ vouches })).rule).toBe("witnesses");
    expect(decideLease(facts({ vouches, grant: { sentAt: 99_999, periodMs: PERIOD, restored: false } })).rule).toBe("control-plane");
  });

  it("holds no witness lease without peers in other regions", () => {
    expect(witnessLeaseEnd({ grant: { sentAt: 0, periodMs: PERIOD, restored: false }, witnesses: [], vouches: new Map([["x", 1]]) })).toBeNull();
  });

  it("gives a primary the control plane has not answered about yet its grace, then fences it", () => {
    expect(decideLease(facts({ grant: null, graceUntil: 102_000 }))).toEqual({
      rule: "grace",
      held: true,
      action: "none",
      until: 102_000 - LEAD,
      sentence: "no answer from the control plane yet; the grace after the agent's start holds the lease (2000 ms left)",
    });
    expect(decideLease(facts({ grant: null, graceUntil: 100_000 + LEAD }))).toEqual({
      rule: "lapsed",
      held: false,
      action: "fence",
      until: null,
      sentence: "neither the control plane nor a majority of the witnesses in other regions renewed the lease within the grace after the agent's start; fencing the server",
    });
  });

  it("undoes its own fence when the control plane grants again, but not on the witnesses' word nor on a remembered grant", () => {
    const readOnly = { role: "primary" as const, readOnly: true };
    expect(decideLease(facts({ server: readOnly, selfFenced: true }))).toMatchObject({
      rule: "control-plane",
      action: "unfence",
      sentence: "the control plane granted the lease again (4000 ms left); undoing this agent's own fence",
    });
    expect(decideLease(facts({ server: readOnly, selfFenced: true, grant: { sentAt: 99_000, periodMs: PERIOD, restored: true } })).action).toBe("none");
    const vouches = new Map([
      ["w-eu", 99_900],
      ["w-us", 99_900],
    ]);
    expect(decideLease(facts({ server: readOnly, selfFenced: true, vouches, grant: { sentAt: 90_000, periodMs: PERIOD, restored: false } }))).toMatchObject({
      rule: "witnesses",
      action: "none",
    });
    // The witnesses holding it longer than the fresh grant changes nothing about that.
    const later = new Map([
      ["w-eu", 99_990],
      ["w-us", 99_995],
    ]);
    expect(decideLease(facts({ server: readOnly, selfFenced: true, vouches: later, grant: { sentAt: 98_000, periodMs: PERIOD, restored: false } }))).toMatchObject({
      rule: "control-plane",
      action: "unfence",
      until: 99_990 + PERIOD - LEAD,
    });
    // A fence that is not its own stays, granted or not.
    expect(decideLease(facts({ server: readOnly, selfFenced: false })).action).toBe("none");
  });

  it("leaves a lapsed primary that is read-only already alone", () => {
    expect(decideLease(facts({ now: 200_000, server: { role: "primary", readOnly: true } }))).toMatchObject({
      rule: "lapsed",
      action: "none",
      sentence: "neither the control plane nor a majority of the witnesses in other regions renewed the lease within its period of 5000 ms; the server is read-only already",
    });
  });
});
