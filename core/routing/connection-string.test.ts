import { describe, expect, it } from "vitest";
import { readWriteConnectionString } from "./connection-string";

describe("the libpq multi-host connection string", () => {
  it("lists every host in order with its port, the database, and asks for the session that takes writes", () => {
    expect(
      readWriteConnectionString(
        [
          { host: "10.0.0.1", port: 5432 },
          { host: "pg-eu.internal", port: 14432 },
        ],
        "orders",
      ),
    ).toBe("postgresql://10.0.0.1:5432,pg-eu.internal:14432/orders?target_session_attrs=read-write");
  });

  it("puts an IPv6 literal in brackets, once", () => {
    expect(readWriteConnectionString([{ host: "::1", port: 5432 }, { host: "[fd00::2]", port: 5433 }], "orders")).toBe("postgresql://[::1]:5432,[fd00::2]:5433/orders?target_session_attrs=read-write");
  });

  it("percent-encodes a database name that is not a plain word", () => {
    expect(readWriteConnectionString([{ host: "db", port: 5432 }], "orders/eu db?")).toBe("postgresql://db:5432/orders%2Feu%20db%3F?target_session_attrs=read-write");
  });

  it("is null without any host: there is nowhere to connect", () => {
    expect(readWriteConnectionString([], "orders")).toBeNull();
  });
});
