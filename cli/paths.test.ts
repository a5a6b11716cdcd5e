import { describe, expect, it } from "vitest";
import { OPERATIONS } from "@/contracts/operations";
import { requestPath } from "./client";
import { fillPath, withQuery } from "./paths";
import { UsageError } from "./usage-error";

describe("paths from the operation table", () => {
  it("fills every placeholder, URL-encoded", () => {
    expect(fillPath(OPERATIONS.confirmStep.path, { id: "run 1", stepId: "a/b" })).toBe("/api/v1/runs/run%201/steps/a%2Fb/confirm");
  });

  it("refuses a missing or unused parameter rather than calling another route", () => {
    expect(() => fillPath(OPERATIONS.getService.path, {})).toThrow("needs a value for {id}");
    expect(() => fillPath(OPERATIONS.fleetOverview.path, { id: "x" })).toThrow("no placeholder for id");
  });

  it("adds only the query values that are set", () => {
    expect(withQuery("/api/v1/alerts", { state: "pending,firing", serviceId: undefined })).toBe("/api/v1/alerts?state=pending%2Cfiring");
    expect(withQuery("/api/v1/runs", { serviceId: undefined })).toBe("/api/v1/runs");
  });

  it("checks params, query and body with the operation's schemas, in the server's wording", () => {
    expect(requestPath(OPERATIONS.listAlerts, { query: { state: "firing" } })).toBe("/api/v1/alerts?state=firing");
    expect(() => requestPath(OPERATIONS.listAlerts, { query: { state: "burning" } })).toThrow(UsageError);
    expect(() => requestPath(OPERATIONS.acknowledgeAlert, { params: { id: "a1" }, body: { note: " " } })).toThrow(
      "note: say what you are doing about it (at least 3 characters)",
    );
    expect(() => requestPath(OPERATIONS.pauseRun, { params: { id: "r1" }, body: { reason: "x" } })).toThrow("reason: say why, in at least 3 characters");
    expect(() => requestPath(OPERATIONS.verifyAudit, { query: { checkpointSeq: "3" } })).toThrow("checkpointHash: give checkpointSeq and checkpointHash together");
  });
});
