import { describe, expect, it } from "vitest";
import { newLabState, parseLabState, primaryOf } from "./state";

describe("the lab state", () => {
  it("reads a single-service state from an older lab as orders-db's, its ports kept", () => {
    const state = parseLabState({ version: 1, password: "pw", primary: "pg-eu-west-1", replicas: { "pg-us-east-1": { port: 14431 }, "pg-eu-west-1": { port: 14432 } } });
    expect(state).toEqual({ version: 2, password: "pw", services: { "orders-db": { primary: "pg-eu-west-1" } }, replicas: { "pg-us-east-1": { port: 14431 }, "pg-eu-west-1": { port: 14432 } } });
    expect(primaryOf(state, "orders-db")).toBe("pg-eu-west-1");
    expect(primaryOf(state, "payments-db")).toBe("pay-us-east-1");
  });

  it("reads its own shape back, and refuses what is neither", () => {
    const state = { ...newLabState(), services: { "payments-db": { primary: "pay-eu-west-1" } } };
    expect(parseLabState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(() => parseLabState({ version: 3, password: "pw" })).toThrow();
  });
});
