import { expect } from "vitest";
import { until, type Product } from "./product";

/** Runs reinstate-former-primary for the service's former primary in `region` through the API, confirms it as an operator, and waits for it to end. */
export async function reinstate(product: Pick<Product, "api" | "operator">, region: string, reason: string, service = "orders-db") {
  const { api, operator } = product;
  const started = await api("POST", "/api/v1/runbooks/reinstate-former-primary/runs", operator, { params: { service, region, reason } });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  await until("the reinstate confirmation", () => api("GET", `/api/v1/runs/${started.json.id}`, operator), ({ json }) =>
    ["failed", "aborted"].includes(json.status) || json.steps.find((step: { stepId: string }) => step.stepId === "confirm")?.state === "waiting",
  );
  await api("POST", `/api/v1/runs/${started.json.id}/steps/confirm/confirm`, operator, { note: "its writes after the split may go" });
  const finished = await until("the reinstate run", () => api("GET", `/api/v1/runs/${started.json.id}`, operator), ({ json }) => ["succeeded", "failed", "aborted"].includes(json.status), 240_000);
  expect(finished.json.error).toBeNull();
  return finished.json;
}
