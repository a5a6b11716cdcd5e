import { describe, expect, it } from "vitest";
import { primaryConninfo } from "./primary-conninfo";

describe("primaryConninfo", () => {
  it("quotes every value, so nothing in a value can add a parameter", () => {
    expect(primaryConninfo({ host: "10.0.0.7", port: 5433 }, { user: "replicator", password: "it's a \\secret host=evil" }, "orders-eu")).toBe(
      "host='10.0.0.7' port='5433' user='replicator' password='it\\'s a \\\\secret host=evil' application_name='orders-eu'",
    );
  });
});
