import { describe, expect, it } from "vitest";
import { discoverRequestSchema } from "@/contracts/discovery";
import { parseMariadbServerUrl } from "./mariadb-server-url";

describe("a MariaDB URL for discovery", () => {
  it("gives host, port (3306 by default), database, user, password and sslmode", () => {
    expect(parseMariadbServerUrl("mariadb://switchyard_discovery:s%40cret@db1.example.com/sessions")).toEqual({
      ok: true,
      target: { host: "db1.example.com", port: 3306, database: "sessions", user: "switchyard_discovery", password: "s@cret", sslmode: "disable" },
    });
    expect(parseMariadbServerUrl("mysql://monitor@[::1]:3307?sslmode=verify-full")).toMatchObject({ ok: true, target: { host: "::1", port: 3307, database: null, password: null, sslmode: "verify-full" } });
  });

  it.each([
    ["postgresql://monitor@db1/orders", "must be a mariadb:// URL"],
    ["mariadb://db1.example.com/sessions", "must name the user"],
    ["mariadb://monitor@db1/sessions?charset=utf8", "parameter charset is not supported here"],
    ["mariadb://monitor@db1/sessions?sslmode=prefer", "sslmode must be one of"],
    ["mariadb://monitor@db1/a/b", "at most one database"],
  ])("refuses %s, naming the problem", (url, problem) => {
    const parsed = parseMariadbServerUrl(url);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.problem).toContain(problem);
  });

  it("is accepted as primaryUrl, and a standby URL of another engine is refused at its index", () => {
    expect(discoverRequestSchema.safeParse({ primaryUrl: "mariadb://monitor@db2.example.com:3306/sessions" }).success).toBe(true);
    const mixed = discoverRequestSchema.safeParse({ primaryUrl: "mariadb://monitor@db2.example.com/sessions", standbyUrls: ["postgresql://monitor@db3.example.com/sessions"] });
    expect(mixed.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["standbyUrls.0", "is a postgresql URL, but primaryUrl names a mariadb server: one discovery reads one engine"],
    ]);
  });
});
