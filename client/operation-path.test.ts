import { describe, expect, it } from "vitest";
import { OPERATIONS } from "@/contracts/operations";
import { fillPath, operationPath, withQuery } from "./operation-path";

describe("paths from the operation table", () => {
  it("fills every placeholder, URL-encoded", () => {
    expect(fillPath(OPERATIONS.confirmStep.path, { id: "run 1", stepId: "a/b" })).toBe("/api/v1/runs/run%201/steps/a%2Fb/confirm");
    expect(fillPath(OPERATIONS.getService.path, { id: "../users?x=1#y" })).toBe("/api/v1/services/..%2Fusers%3Fx%3D1%23y");
  });

  it("refuses a missing or unused parameter rather than calling another route", () => {
    expect(() => fillPath(OPERATIONS.getService.path, {})).toThrow("needs a value for {id}");
    expect(() => fillPath(OPERATIONS.fleetOverview.path, { id: "x" })).toThrow("no placeholder for id");
  });

  it("adds only the query values that are set", () => {
    expect(withQuery("/api/v1/alerts", { state: "pending,firing", serviceId: undefined })).toBe("/api/v1/alerts?state=pending%2Cfiring");
    expect(withQuery("/api/v1/runs", { serviceId: undefined })).toBe("/api/v1/runs");
  });
});

describe("operationPath", () => {
  it("answers the filled path when params, query and body fit the operation's schemas", () => {
    expect(operationPath(OPERATIONS.listAlerts, { query: { state: "firing" } })).toEqual({ ok: true, path: "/api/v1/alerts?state=firing" });
    expect(operationPath(OPERATIONS.pauseRun, { params: { id: "r 1" }, body: { reason: "maintenance" } })).toEqual({ ok: true, path: "/api/v1/runs/r%201/pause" });
  });

  it("names the part and the schema's issue when one does not fit", () => {
    const refused = (result: ReturnType<typeof operationPath>) => (result.ok ? null : { where: result.where, path: result.error.issues[0]?.path });
    expect(refused(operationPath(OPERATIONS.listAlerts, { query: { state: "burning" } }))).toEqual({ where: "query", path: ["state", 0] });
    expect(refused(operationPath(OPERATIONS.pauseRun, { params: { id: "r1" }, body: { reason: "x" } }))).toEqual({ where: "body", path: ["reason"] });
    expect(refused(operationPath(OPERATIONS.pauseRun, { params: { id: "r1" } }))).toEqual({ where: "body", path: [] });
  });
});
