import { describe, expect, it } from "vitest";
import { observedRto, RTO_METHOD_IDS, RTO_METHODS, type RtoEvidence } from "./observed-rto";

const at = (second: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, second));
const none: RtoEvidence = { runStartedAt: at(0), fenceIssuedAt: null, oldPrimaryLastReportAt: null, routeSwitchedAt: null, newPrimaryFirstReportAt: null };

describe("observedRto", () => {
  it("has one row per method id, each with a sentence, ending with the one that never measures", () => {
    expect(RTO_METHODS.map((method) => method.id)).toEqual([...RTO_METHOD_IDS]);
    expect(RTO_METHODS.every((method) => method.sentence.endsWith("."))).toBe(true);
    expect(RTO_METHODS.at(-1)!.span({ ...none, routeSwitchedAt: at(5) })).toBeNull();
  });

  it("measures a switchover from the fence to the later of the route switch and the new primary's first report", () => {
    const rto = observedRto({ ...none, fenceIssuedAt: at(2), routeSwitchedAt: at(5), newPrimaryFirstReportAt: at(7) });
    expect(rto).toMatchObject({ method: "fence-to-new-primary-report", ms: 5_000, from: at(2).toISOString(), to: at(7).toISOString() });
    expect(observedRto({ ...none, fenceIssuedAt: at(2), routeSwitchedAt: at(6), newPrimaryFirstReportAt: at(4) }).ms).toBe(4_000);
  });

  it("measures an unplanned failover from the old primary's last report, and ignores it when the run fenced", () => {
    expect(observedRto({ ...none, oldPrimaryLastReportAt: at(0), runStartedAt: at(10), routeSwitchedAt: at(14), newPrimaryFirstReportAt: at(15) })).toMatchObject({
      method: "old-primary-report-to-new-primary-report",
      ms: 15_000,
    });
    expect(observedRto({ ...none, oldPrimaryLastReportAt: at(0), fenceIssuedAt: at(3), routeSwitchedAt: at(5) })).toMatchObject({ method: "fence-to-route", ms: 2_000 });
  });

  it("falls back to the route switch, then to the run's start", () => {
    expect(observedRto({ ...none, oldPrimaryLastReportAt: at(1), routeSwitchedAt: at(4) })).toMatchObject({ method: "old-primary-report-to-route", ms: 3_000 });
    expect(observedRto({ ...none, routeSwitchedAt: at(4) })).toMatchObject({ method: "run-start-to-route", ms: 4_000 });
  });

  it("says so when the route never moved", () => {
    expect(observedRto({ ...none, fenceIssuedAt: at(1), newPrimaryFirstReportAt: at(3) })).toEqual({
      method: "not-measured",
      ms: null,
      from: null,
      to: null,
      sentence: "Not measured: the run never pointed the write route at a new primary.",
    });
  });
});
