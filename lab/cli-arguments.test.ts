import { describe, expect, it } from "vitest";
import { UsageError, workloadArguments } from "./cli-arguments";

describe("lab workload arguments", () => {
  it("takes a rate and --through haproxy, in either order, and defaults to following the write route", () => {
    expect(workloadArguments([], 50)).toEqual({ rate: 50, through: null });
    expect(workloadArguments(["20"], 50)).toEqual({ rate: 20, through: null });
    expect(workloadArguments(["--through", "haproxy", "20"], 50)).toEqual({ rate: 20, through: "haproxy" });
    expect(workloadArguments(["20", "--through=haproxy"], 50)).toEqual({ rate: 20, through: "haproxy" });
  });

  it("refuses anything else, naming it", () => {
    expect(() => workloadArguments(["--through", "pgbouncer"], 50)).toThrow(new UsageError('--through takes haproxy, not "pgbouncer" (leave it out to follow the write route)'));
    expect(() => workloadArguments(["--through"], 50)).toThrow(UsageError);
    expect(() => workloadArguments(["20", "30"], 50)).toThrow('workload: unexpected argument "30"');
    expect(() => workloadArguments(["-5"], 50)).toThrow(UsageError);
  });
});
