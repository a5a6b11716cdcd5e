import { describe, expect, it } from "vitest";
import { enrollCommandLine } from "./enroll-command-line";

describe("the enroll command line an admin hands over", () => {
  it("names the server flag of the replica's engine, the token in the environment", () => {
    expect(enrollCommandLine("https://cp", "sye_x", "AB:CD", { engine: "postgresql", databaseName: "orders" })).toBe(
      "SWITCHYARD_ENROLLMENT_TOKEN=sye_x switchyard-agent enroll --control-plane https://cp --expect-fingerprint AB:CD --postgres 'postgresql://switchyard_monitor@127.0.0.1:5432/postgres'",
    );
    expect(enrollCommandLine("https://cp", "sye_x", "AB:CD", { engine: "mariadb", databaseName: "sessions" })).toBe(
      "SWITCHYARD_ENROLLMENT_TOKEN=sye_x switchyard-agent enroll --control-plane https://cp --expect-fingerprint AB:CD --mariadb 'mariadb://switchyard_monitor@127.0.0.1:3306/sessions'",
    );
  });
});
