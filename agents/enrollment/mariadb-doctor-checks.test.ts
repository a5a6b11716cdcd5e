import { describe, expect, it } from "vitest";
import { doctorVerdicts, type DoctorFacts } from "./doctor-checks";
import { COMMANDS_PRIVILEGES, MONITORING_PRIVILEGES, VOUCH_COMMANDS_PRIVILEGES, type MariadbServerFacts } from "./mariadb-doctor-checks";

const server: Extract<MariadbServerFacts, { connected: true }> = {
  connected: true,
  account: "switchyard_monitor@%",
  version: "10.11.6-MariaDB-0+deb12u1-log",
  privileges: Object.keys(MONITORING_PRIVILEGES),
  schemaPrivileges: ["EXECUTE"],
  gtidStrictMode: true,
  logBin: true,
  logSlaveUpdates: true,
  binlogFormat: "ROW",
  semiSyncReplicaEnabled: true,
};

const healthy: DoctorFacts = {
  stateDir: "/var/lib/switchyard-agent",
  state: { kind: "enrolled", agentName: "agent-sessions-eu", fileMode: 0o100600, fingerprint: "AA:BB" },
  stateDirWritable: { ok: true },
  controlPlane: { url: "https://cp", reached: true, rttMs: 12, skewMs: 40 },
  credential: { status: 200, message: "accepted" },
  monitoring: null,
  commandsRole: null,
  replication: { user: "replicator", role: "unchecked" },
  dataDir: null,
  binDir: null,
  mariadb: server,
  mariadbCommands: { connected: true, account: "switchyard@%", privileges: [...Object.keys(COMMANDS_PRIVILEGES), "SELECT", "SUPER"], schemaPrivileges: ["CREATE", "CREATE ROUTINE", "INSERT", "UPDATE"] },
};

const problems = (facts: Partial<DoctorFacts>) => doctorVerdicts({ ...healthy, ...facts }).filter((line) => !line.ok);

describe("doctor on a MariaDB replica's host", () => {
  it("passes a healthy host with the MariaDB checks in place of PostgreSQL's (no data folder, no pg_ctl)", () => {
    const lines = doctorVerdicts(healthy);
    expect(lines.map((line) => line.check)).toEqual(["state", "state-dir", "control-plane", "clock", "credential", "mariadb", "witness-vouch", "commands-user", "lease-schema", "gtid-strict", "binlog", "semi-sync"]);
    expect(lines.filter((line) => !line.ok)).toEqual([]);
  });

  it.each<[string, Partial<DoctorFacts>, string, string]>([
    ["an unreachable server", { mariadb: { connected: false, error: "Access denied for user" } }, "mariadb", "check --mariadb"],
    ["a monitoring user without REPLICATION MASTER ADMIN", { mariadb: { ...server, privileges: ["SLAVE MONITOR"] } }, "mariadb", "GRANT REPLICATION MASTER ADMIN ON *.* TO 'switchyard_monitor'@'%';"],
    ["a commands user without READ_ONLY ADMIN", { mariadbCommands: { connected: true, account: "ops@10.0.0.%", privileges: Object.keys(COMMANDS_PRIVILEGES).filter((item) => item !== "READ_ONLY ADMIN"), schemaPrivileges: Object.keys(VOUCH_COMMANDS_PRIVILEGES) } }, "commands-user", "GRANT READ_ONLY ADMIN ON *.* TO 'ops'@'10.0.0.%';"],
    ["a monitoring user that cannot vouch", { mariadb: { ...server, schemaPrivileges: [] } }, "witness-vouch", "GRANT EXECUTE ON switchyard.* TO 'switchyard_monitor'@'%';"],
    [
      "a commands user that cannot create the vouch procedure",
      { mariadbCommands: { connected: true, account: "ops@10.0.0.%", privileges: Object.keys(COMMANDS_PRIVILEGES), schemaPrivileges: ["CREATE", "SELECT", "INSERT", "UPDATE"] } },
      "lease-schema",
      "GRANT CREATE ROUTINE ON switchyard.* TO 'ops'@'10.0.0.%';",
    ],
    ["an unreachable commands user", { mariadbCommands: { connected: false, error: "timeout" } }, "commands-user", "check --commands-mariadb"],
    ["gtid_strict_mode off", { mariadb: { ...server, gtidStrictMode: false } }, "gtid-strict", "SET GLOBAL gtid_strict_mode = ON"],
    ["a MIXED binlog", { mariadb: { ...server, binlogFormat: "MIXED" } }, "binlog", "binlog_format=ROW"],
    ["log_slave_updates off", { mariadb: { ...server, logSlaveUpdates: false } }, "binlog", "log_slave_updates=ON"],
    ["a replica that does not acknowledge", { mariadb: { ...server, semiSyncReplicaEnabled: false } }, "semi-sync", "SET GLOBAL rpl_semi_sync_slave_enabled = ON"],
    ["a build without semi-sync", { mariadb: { ...server, semiSyncReplicaEnabled: null } }, "semi-sync", "semi-synchronous replication built in"],
    ["no replication credentials", { replication: null }, "replication", "--replication-user"],
  ])("names %s and how to fix it", (_, facts, check, fix) => {
    const found = problems(facts);
    expect(found.map((line) => line.check)).toEqual([check]);
    expect(found[0]!.fix).toContain(fix);
  });

  it("judges the monitoring user as the commands user when no --commands-mariadb is given, and says how to give one", () => {
    const found = problems({ mariadbCommands: null });
    expect(found.map((line) => line.check)).toEqual(["commands-user", "lease-schema"]);
    expect(found[0]!.detail).toContain("switchyard_monitor@% (commands run) lacks READ_ONLY ADMIN");
    expect(found[0]!.fix).toContain("--commands-mariadb");
  });

  it("counts the vouch schema's privileges granted globally as well as on the schema", () => {
    const everything = [...Object.keys(COMMANDS_PRIVILEGES), ...Object.keys(VOUCH_COMMANDS_PRIVILEGES)];
    expect(problems({ mariadb: { ...server, privileges: [...server.privileges, "EXECUTE"], schemaPrivileges: [] }, mariadbCommands: { connected: true, account: "ops@%", privileges: everything, schemaPrivileges: [] } })).toEqual([]);
  });

  it("says what each missing privilege is for", () => {
    const [line] = problems({ mariadb: { ...server, privileges: [] } });
    expect(line!.detail).toContain("SLAVE MONITOR: SHOW ALL SLAVES STATUS");
  });
});
