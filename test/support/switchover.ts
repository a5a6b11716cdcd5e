import { expect } from "vitest";
import { runSchema, type RunView } from "@/contracts/runs";
import { until, type Product } from "./product";

/** Starts a planned switchover of the service (orders-db by default) through the API, confirms it as an operator, and waits for it to end. */
export async function switchOver(product: Pick<Product, "api" | "operator">, toRegion: string, reason: string, service = "orders-db"): Promise<RunView> {
  const { api, operator } = product;
  const started = await api("POST", "/api/v1/runbooks/planned-switchover/runs", operator, { params: { service, to_region: toRegion, reason } });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  const runId = runSchema.parse(started.json).id;
  const waiting = await until("the manual confirmation", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) =>
    ["failed", "aborted"].includes(json.status) || json.steps.find((step: { stepId: string }) => step.stepId === "confirm")?.state === "waiting",
  );
  expect(waiting.json.status, JSON.stringify(waiting.json)).toBe("running");
  const confirmed = await api("POST", `/api/v1/runs/${runId}/steps/confirm/confirm`, operator, { note: "go" });
  expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
  const finished = await until("the run to finish", () => api("GET", `/api/v1/runs/${runId}`, operator), ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status), 180_000);
  return runSchema.parse(finished.json);
}
