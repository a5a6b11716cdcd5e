import { describe, expect, it } from "vitest";
import { checkAddress, DEFAULT_CHECK_TIMING, haproxyConfig, HaproxyConfigError, LEFT_OUT, type BackendReplica, type HaproxyConfigInput } from "./haproxy-config";

const replicas: BackendReplica[] = [
  { name: "pg-us-east-1", role: "primary", host: "10.0.1.5", port: 5432, health: { host: "0.0.0.0", port: 8008, tls: false } },
  { name: "pg-eu-west-1", role: "standby", host: "10.0.2.5", port: 5432, health: { host: "10.0.2.6", port: 8008, tls: false } },
  { name: "pg-europe-west3", role: "standby", host: "10.0.3.5", port: 5433, health: null },
];

const input = (overrides: Partial<HaproxyConfigInput> = {}): HaproxyConfigInput => ({
  serviceId: "orders-db",
  replicas,
  bind: "127.0.0.1",
  writePort: 5000,
  readPort: 5001,
  maxLag: "16MB",
  generatedBy: "test",
  ...overrides,
});

/** The lines of one `listen` section. */
function section(text: string, name: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`listen ${name}`);
  expect(start, `no listen ${name}`).toBeGreaterThan(-1);
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end);
}

describe("haproxyConfig", () => {
  it("writes a write port checked on /primary and a read port checked on /replica with the lag limit, both cutting sessions of a server marked down", () => {
    const { text } = haproxyConfig(input());
    const write = section(text, "orders-db-write");
    expect(write).toEqual([
      "    bind 127.0.0.1:5000",
      "    option httpchk GET /primary",
      "    http-check expect status 200",
      "    default-server inter 250ms fastinter 100ms downinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions",
      "    server pg-us-east-1 10.0.1.5:5432 check addr 10.0.1.5 port 8008",
      "    server pg-eu-west-1 10.0.2.5:5432 check addr 10.0.2.6 port 8008",
    ]);
    const read = section(text, "orders-db-read");
    expect(read).toContain("    bind 127.0.0.1:5001");
    expect(read).toContain("    option httpchk GET /replica?lag=16MB");
    expect(read).toContain("    default-server inter 250ms fastinter 100ms downinter 500ms fall 2 rise 2 on-marked-down shutdown-sessions");
    expect(read.filter((line) => line.startsWith("    server "))).toHaveLength(2);
    expect(text).toMatch(/^defaults\n {4}mode tcp$/m);
  });

  it("leaves out a replica whose agent serves no health endpoint, and a witness, saying why", () => {
    const witness: BackendReplica = { name: "witness-1", role: "witness", host: "10.0.4.5", port: 5432, health: { host: "0.0.0.0", port: 8008, tls: false } };
    const config = haproxyConfig(input({ replicas: [...replicas, witness] }));
    expect(config.leftOut.map((item) => [item.replica, item.rule])).toEqual([
      ["pg-europe-west3", "no-health-endpoint"],
      ["witness-1", "witness"],
    ]);
    expect(config.text).toContain("# Left out: pg-europe-west3's agent serves no health endpoints");
    expect(config.text).not.toMatch(/server (pg-europe-west3|witness-1) /);
  });

  it("refuses every connection when no replica can be checked, rather than routing unchecked", () => {
    const config = haproxyConfig(input({ replicas: [replicas[2]!] }));
    expect(config.text).not.toMatch(/^\s+server /m);
    expect(config.text).toContain("every connection is refused until one does");
  });

  it("checks over HTTPS, verified with the CA file when given and said to be unverified when not", () => {
    const tls = replicas.map((replica) => (replica.health ? { ...replica, health: { ...replica.health, tls: true } } : replica));
    const unverified = haproxyConfig(input({ replicas: tls }));
    expect(unverified.text).toContain("server pg-us-east-1 10.0.1.5:5432 check addr 10.0.1.5 port 8008 check-ssl verify none");
    expect(unverified.warnings).toEqual([expect.stringContaining("pg-us-east-1, pg-eu-west-1 serve health checks over HTTPS: without a CA file")]);
    const verified = haproxyConfig(input({ replicas: tls, healthCaFile: "/etc/haproxy/agents-ca.pem" }));
    expect(verified.text).toContain("check-ssl verify required ca-file /etc/haproxy/agents-ca.pem");
    expect(verified.warnings).toEqual([]);
  });

  it("puts the lag limit in seconds on the read check when given", () => {
    expect(haproxyConfig(input({ maxLag: "1048576", maxLagSeconds: "5" })).text).toContain("option httpchk GET /replica?lag=1048576&max_lag_seconds=5");
  });

  it("writes IPv6 addresses so HAProxy reads them", () => {
    const config = haproxyConfig(input({ bind: "::", replicas: [{ name: "pg-v6", role: "primary", host: "fd00::5", port: 5432, health: { host: "::", port: 8008, tls: false } }] }));
    expect(config.text).toContain("    bind ipv6@:::5000");
    expect(config.text).toContain("    server pg-v6 ipv6@fd00::5:5432 check addr [fd00::5] port 8008");
  });

  it("refuses ports and limits that do not make a configuration, naming them", () => {
    expect(() => haproxyConfig(input({ writePort: 0 }))).toThrow(new HaproxyConfigError("the write port 0: must be a port number from 1 to 65535"));
    expect(() => haproxyConfig(input({ readPort: 70_000 }))).toThrow(/the read port 70000/);
    expect(() => haproxyConfig(input({ readPort: 5000 }))).toThrow(/both 5000/);
    expect(() => haproxyConfig(input({ maxLag: "lots" }))).toThrow(/the read port's lag limit: lag=lots must be a number of bytes/);
    expect(() => haproxyConfig(input({ maxLagSeconds: "-1" }))).toThrow(/lag limit in seconds: max_lag_seconds=-1/);
  });

  it("checks the agent's own address unless it listens on every address", () => {
    expect(checkAddress({ ...replicas[0]!, health: { host: "0.0.0.0", port: 1, tls: false } })).toBe("10.0.1.5");
    expect(checkAddress({ ...replicas[0]!, health: { host: "10.9.9.9", port: 1, tls: false } })).toBe("10.9.9.9");
  });

  it("keeps its tables well formed: stable unique ids, a write check that flips faster than the read one", () => {
    expect(new Set(LEFT_OUT.map((row) => row.id)).size).toBe(LEFT_OUT.length);
    expect(DEFAULT_CHECK_TIMING.writeRise).toBeLessThanOrEqual(DEFAULT_CHECK_TIMING.rise);
    expect(DEFAULT_CHECK_TIMING.fastInterMs).toBeLessThan(DEFAULT_CHECK_TIMING.interMs);
  });
});
