import { describe, expect, it } from "vitest";
import { doctorVerdicts, formatDoctorLine, type DoctorFacts } from "./doctor-checks";

const healthy: DoctorFacts = {
  stateDir: "/var/lib/switchyard-agent",
  state: { kind: "enrolled", agentName: "agent-pg-eu", fileMode: 0o100600, fingerprint: "AA:BB" },
  stateDirWritable: { ok: true },
  controlPlane: { url: "https://cp", reached: true, rttMs: 12, skewMs: 40 },
  credential: { status: 200, message: "accepted" },
  monitoring: { connected: true, user: "monitor", superuser: false, pgMonitor: true },
  commandsRole: { connected: true, user: "postgres", superuser: true, pgMonitor: true },
  replication: { user: "replicator", role: { replication: true, superuser: false } },
  dataDir: { path: "/var/lib/postgresql/18/main", readable: true, error: null },
  binDir: { path: "/usr/lib/postgresql/18/bin", pgCtl: true },
};

const problems = (facts: Partial<DoctorFacts>) => doctorVerdicts({ ...healthy, ...facts }).filter((line) => !line.ok);

describe("doctor's verdicts", () => {
  it("pass a healthy host, one line per check", () => {
    const lines = doctorVerdicts(healthy);
    expect(lines.map((line) => line.check)).toEqual(["state", "state-dir", "control-plane", "clock", "credential", "postgres", "commands-role", "replication", "data-dir", "bin-dir"]);
    expect(lines.every((line) => line.ok)).toBe(true);
  });

  it.each<[string, Partial<DoctorFacts>, string, RegExp]>([
    ["no enrollment", { state: { kind: "missing" } }, "state", /run switchyard-agent enroll/],
    ["a state file others can read", { state: { kind: "enrolled", agentName: "a", fileMode: 0o100644, fingerprint: "x" } }, "state", /chmod 600/],
    ["an unwritable state folder", { stateDirWritable: { ok: false, error: "EACCES" } }, "state-dir", /install -d -m 0700/],
    ["an unreachable control plane", { controlPlane: { url: "https://cp", reached: false, error: "ECONNREFUSED" } }, "control-plane", /firewall/],
    ["a clock 1.5 s ahead", { controlPlane: { url: "https://cp", reached: true, rttMs: 3, skewMs: 1500 } }, "clock", /NTP/],
    ["a clock 2 s behind", { controlPlane: { url: "https://cp", reached: true, rttMs: 3, skewMs: -2000 } }, "clock", /NTP/],
    ["a revoked credential", { credential: { status: 401, message: "refused" } }, "credential", /--replace/],
    ["no PostgreSQL URL", { monitoring: null, commandsRole: null }, "postgres", /--postgres/],
    ["an unreachable PostgreSQL", { monitoring: { connected: false, error: "password authentication failed" }, commandsRole: null }, "postgres", /pg_hba\.conf/],
    ["a monitoring role without pg_monitor", { monitoring: { connected: true, user: "mon", superuser: false, pgMonitor: false } }, "postgres", /GRANT pg_monitor TO mon/],
    ["a commands role that is not a superuser", { commandsRole: { connected: true, user: "ops", superuser: false, pgMonitor: true } }, "commands-role", /--commands-postgres/],
    ["no commands role and a monitoring role that is not a superuser", { commandsRole: null }, "commands-role", /--commands-postgres/],
    ["no replication credentials", { replication: null }, "replication", /--replication-user/],
    ["a missing replication role", { replication: { user: "rep", role: "missing" } }, "replication", /CREATE ROLE rep LOGIN REPLICATION/],
    ["a replication role without REPLICATION", { replication: { user: "rep", role: { replication: false, superuser: false } } }, "replication", /ALTER ROLE rep REPLICATION/],
    ["no data folder", { dataDir: null, binDir: null }, "data-dir", /--data-dir/],
    ["an unreadable data folder", { dataDir: { path: "/d", readable: false, error: "EACCES" } }, "data-dir", /owner/],
    ["a bin folder without pg_ctl", { binDir: { path: "/b", pgCtl: false } }, "bin-dir", /--bin-dir/],
  ])("name %s and how to fix it", (_, facts, check, fix) => {
    const found = problems(facts);
    expect(found.map((line) => line.check)).toEqual([check]);
    expect(found[0]!.fix).toMatch(fix);
  });

  it("accept a clock within a second, either way", () => {
    expect(problems({ controlPlane: { url: "https://cp", reached: true, rttMs: 3, skewMs: -1000 } })).toEqual([]);
  });

  it("leave the replication role unjudged when the server could not be asked (the postgres line says why)", () => {
    expect(doctorVerdicts({ ...healthy, replication: { user: "rep", role: "unchecked" } }).map((line) => line.check)).not.toContain("replication");
  });

  it("print a problem with its fix on the next line", () => {
    expect(formatDoctorLine({ check: "clock", ok: false, detail: "off", fix: "use NTP" })).toBe("PROBLEM clock         off\n                      fix: use NTP");
    expect(formatDoctorLine({ check: "clock", ok: true, detail: "fine" })).toBe("ok      clock         fine");
  });
});
