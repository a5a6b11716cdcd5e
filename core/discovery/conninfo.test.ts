import { describe, expect, it } from "vitest";
import { primaryConninfo } from "@/agents/commands/primary-conninfo";
import { parseConninfo } from "./conninfo";

function options(text: string): Record<string, string> {
  const parsed = parseConninfo(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return Object.fromEntries(parsed.options);
}

function error(text: string): string {
  const parsed = parseConninfo(text);
  if (parsed.ok) throw new Error(`parsed: ${JSON.stringify(Object.fromEntries(parsed.options))}`);
  return parsed.error;
}

describe("libpq key=value connection strings", () => {
  it.each([
    ["", {}],
    ["   ", {}],
    ["host=db1 port=5432", { host: "db1", port: "5432" }],
    ["  host = db1\tport=\n5432  ", { host: "db1", port: "5432" }],
    ["application_name='eu west 1'", { application_name: "eu west 1" }],
    ["password='it\\'s' user=a", { password: "it's", user: "a" }],
    ["password=it\\'s\\ ok user=a", { password: "it's ok", user: "a" }],
    ["password='a\\\\b'", { password: "a\\b" }],
    ["password=ab\\", { password: "ab" }],
    ["host='db1'port=5433", { host: "db1", port: "5433" }],
    ["host=''", { host: "" }],
    ["host=", { host: "" }],
    ["host= port=5432", { host: "port=5432" }],
    ["a=b=c", { a: "b=c" }],
    ["host=db1 host=db2", { host: "db2" }],
    ["requiressl=1", { sslmode: "require" }],
    ["requiressl=0", { sslmode: "prefer" }],
  ])("%j", (text, expected) => {
    expect(options(text)).toEqual(expected);
  });

  it.each([
    ["host", 'missing "=" after the key at character 1'],
    ["host=db1 port", 'missing "=" after the key at character 10'],
    ["host db1", 'missing "=" after the key at character 1'],
    ["=db1", 'missing a key before the "=" at character 1'],
    ["password='secret", "unterminated quoted string in the value of password"],
    ["password='secret\\'", "unterminated quoted string in the value of password"],
  ])("refuses %j without quoting it: %s", (text, message) => {
    expect(error(text)).toBe(message);
  });

  it("keeps any key as data, __proto__ included", () => {
    const parsed = parseConninfo("__proto__=x");
    expect(parsed.ok && parsed.options.get("__proto__")).toBe("x");
  });

  it("never repeats a password in an error", () => {
    expect(error("password=hunter two")).not.toContain("two");
    expect(error("password='hunter2")).not.toContain("hunter2");
  });

  it("reads back what the agents and the lab write as primary_conninfo", () => {
    const written = primaryConninfo({ host: "db 1", port: 5432 }, { user: "repl", password: "it's a \\ secret" }, "pg-eu-west-1");
    expect(options(written)).toMatchObject({ host: "db 1", port: "5432", user: "repl", password: "it's a \\ secret", application_name: "pg-eu-west-1" });
  });
});

describe("libpq connection URIs", () => {
  it.each([
    ["postgresql://", {}],
    ["postgres://db1", { host: "db1" }],
    ["postgresql://db1:5433/orders", { host: "db1", port: "5433", dbname: "orders" }],
    ["postgresql://monitor:s%40cret%2F@db1/orders", { user: "monitor", password: "s@cret/", host: "db1", dbname: "orders" }],
    ["postgresql://monitor@db1", { user: "monitor", host: "db1" }],
    ["postgresql://monitor:@db1", { user: "monitor", host: "db1" }],
    ["postgresql://:secret@db1", { password: "secret", host: "db1" }],
    ["postgresql://@db1", { host: "db1" }],
    ["postgresql://a:b:c@db1", { user: "a", password: "b:c", host: "db1" }],
    ["postgresql://[::1]:5433/db", { host: "::1", port: "5433", dbname: "db" }],
    ["postgresql://[2001:db8::7]", { host: "2001:db8::7" }],
    ["postgresql://[::1],db2:6000", { host: "::1,db2", port: ",6000" }],
    ["postgresql://db1:5432,db2:5433/db", { host: "db1,db2", port: "5432,5433", dbname: "db" }],
    ["postgresql://db1,db2", { host: "db1,db2", port: "," }],
    ["postgresql://db1:/db", { host: "db1", dbname: "db" }],
    ["postgresql:///orders", { dbname: "orders" }],
    ["postgresql://db1/", { host: "db1" }],
    ["postgresql://db1/my%20db", { host: "db1", dbname: "my db" }],
    ["postgresql://%2Fvar%2Frun%2Fpostgresql/db", { host: "/var/run/postgresql", dbname: "db" }],
    ["postgresql://db1?sslmode=require&application_name=a%20b", { host: "db1", sslmode: "require", application_name: "a b" }],
    ["postgresql://db1/db?ssl=true", { host: "db1", dbname: "db", sslmode: "require" }],
    ["postgresql://db1/db?ssl=false", { host: "db1", dbname: "db", ssl: "false" }],
    ["postgresql://db1/db?requiressl=1", { host: "db1", dbname: "db", sslmode: "require" }],
    ["postgresql://db1?", { host: "db1" }],
    ["postgresql://db1?a=1&", { host: "db1", a: "1" }],
    ["postgresql://db1?host=db2&host=db3", { host: "db3" }],
    ["postgresql://db1?port=", { host: "db1", port: "" }],
    ["postgresql://u:p/w@db1", { host: "u", port: "p", dbname: "w@db1" }],
    ["postgresql://db1/db?x=%C3%BC", { host: "db1", dbname: "db", x: "ü" }],
    ["postgresql://ü@db1", { user: "ü", host: "db1" }],
  ])("%j", (text, expected) => {
    expect(options(text)).toEqual(expected);
  });

  it.each([
    ["postgresql://[::1", 'end of string reached when looking for the "]" closing an IPv6 host address'],
    ["postgresql://[]:5432", "IPv6 host address may not be empty"],
    ["postgresql://[::1]x", 'unexpected character "x" after an IPv6 host address (expected ":" or "/")'],
    ["postgresql://db1?sslmode", 'missing key/value separator "=" in a URI query parameter'],
    ["postgresql://db1?a=1&&b=2", 'missing key/value separator "=" in a URI query parameter'],
    ["postgresql://db1?a=1=2", 'extra key/value separator "=" in a URI query parameter'],
    ["postgresql://u:p%zz@db1", "invalid percent-encoded token in the password"],
    ["postgresql://u:p%2@db1", "invalid percent-encoded token in the password"],
    ["postgresql://u:p%00@db1", "forbidden value %00 in the password"],
    ["postgresql://db%1/", "invalid percent-encoded token in the host"],
    ["postgresql://db1/%", "invalid percent-encoded token in the database name"],
    ["postgresql://db1?x=%", "invalid percent-encoded token in the value of x"],
  ])("refuses %j: %s", (text, message) => {
    expect(error(text)).toBe(message);
  });
});
