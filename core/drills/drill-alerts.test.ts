import { describe, expect, it } from "vitest";
import { failedDrillSentence } from "./drill-alerts";

describe("failedDrillSentence", () => {
  const drill = { id: "d1", serviceId: "orders-db", runbookId: "planned-switchover", status: "failed", error: null, failedVerdicts: ["orders: strong, but 2 acknowledged writes were lost (it promises none)."] };

  it("names the drill and every reason it failed", () => {
    expect(failedDrillSentence(drill)).toBe("The planned-switchover drill d1 of orders-db failed: orders: strong, but 2 acknowledged writes were lost (it promises none).");
    expect(failedDrillSentence({ ...drill, error: "The switch back failed.", failedVerdicts: [] })).toBe("The planned-switchover drill d1 of orders-db failed: The switch back failed.");
  });

  it("says nothing of a drill that passed or was aborted", () => {
    expect(failedDrillSentence({ ...drill, status: "passed" })).toBeNull();
    expect(failedDrillSentence({ ...drill, status: "aborted" })).toBeNull();
  });
});
