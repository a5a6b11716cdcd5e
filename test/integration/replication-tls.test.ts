import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { primaryConninfo } from "@/agents/commands/primary-conninfo";
import { takeBaseBackup } from "@/agents/commands/rewind/base-backup";
import { primaryHistory } from "@/agents/commands/timeline-fork";
import type { Upstream, UpstreamTls } from "@/agents/commands/upstream-security";
import { startCluster } from "@/embedded/postgres-cluster";
import { postgresOsUser } from "@/embedded/run-as";
import { freePort } from "@/server/store/free-port";
import { ReplicationCluster, type ClusterServer } from "../support/replication-cluster";

/**
 * The agent's connections to a primary against a real PostgreSQL 18 whose
 * certificate a CA made here (openssl) signed for the name `localhost`, and
 * whose pg_hba accepts replication over TLS with SCRAM but asks a
 * connection without TLS for its password in clear text:
 * - the base backup and the timeline history (node-postgres) verify the
 *   certificate against the pinned CA and the host name, and never answer
 *   the cleartext request, which a stock client does;
 * - a standby's primary_conninfo (libpq in the server) streams over
 *   verify-full TLS, and refuses the cleartext request with require_auth.
 */
const PASSWORD = randomBytes(12).toString("hex");
let cluster: ReplicationCluster;
let primary: ClusterServer;
let certs: string;
let ca: string;
let otherCa: string;

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: certs, stdio: "pipe" });
}

/** A CA, and a server certificate it signs for DNS:localhost only (no IP: connecting to 127.0.0.1 is a name mismatch). */
function makeCertificates(): void {
  certs = path.join(cluster.dir, "certs");
  mkdirSync(certs);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=switchyard test CA");
  openssl("req", "-x509", ...ec, "-keyout", "other-ca.key", "-out", "other-ca.crt", "-days", "2", "-subj", "/CN=someone else's CA");
  openssl("req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  writeFileSync(path.join(certs, "server.ext"), "subjectAltName=DNS:localhost\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "server.crt", "-extfile", "server.ext");
  ca = path.join(certs, "ca.crt");
  otherCa = path.join(certs, "other-ca.crt");
}

/** The server's key and certificate in its data folder, owned by the server's OS user (PostgreSQL insists on 0600). */
function installServerCertificate(dataDir: string): void {
  const owner = postgresOsUser();
  for (const [name, mode] of [["server.key", 0o600], ["server.crt", 0o644]] as const) {
    const file = path.join(dataDir, name);
    copyFileSync(path.join(certs, name), file);
    chmodSync(file, mode);
    if (owner) chownSync(file, owner.uid, owner.gid);
  }
}

const upstream = (host: string, tls?: UpstreamTls): Upstream => ({ host, port: primary.port, user: "postgres", password: PASSWORD, tls });

beforeAll(async () => {
  cluster = ReplicationCluster.create("replication-tls", PASSWORD);
  makeCertificates();
  primary = await cluster.startPrimary("primary");
  installServerCertificate(primary.dataDir);
  writeFileSync(
    path.join(primary.dataDir, "pg_hba.conf"),
    [
      "hostssl   replication postgres 127.0.0.1/32 scram-sha-256",
      "hostssl   replication postgres ::1/128      scram-sha-256",
      // A misconfigured primary, or someone in between: the password asked for in clear text.
      "hostnossl replication postgres 127.0.0.1/32 password",
      "hostnossl replication postgres ::1/128      password",
      "host      all         postgres 127.0.0.1/32 scram-sha-256",
      "",
    ].join("\n"),
  );
  await cluster.sql(primary, "ALTER SYSTEM SET ssl = on");
  await cluster.sql(primary, "SELECT pg_reload_conf()");
  await cluster.sql(primary, "CREATE TABLE orders (id int PRIMARY KEY)");
  await cluster.sql(primary, "INSERT INTO orders VALUES (1)");
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("the agent's own connections to a primary (node-postgres)", () => {
  it("verify the primary's certificate against the pinned CA and the host name (verify-full)", async () => {
    expect(await primaryHistory(upstream("localhost", { sslMode: "verify-full", sslRootCert: ca }), 30_000)).toEqual({ timeline: 1, history: "" });
    await expect(primaryHistory(upstream("localhost", { sslMode: "verify-full", sslRootCert: otherCa }), 30_000)).rejects.toThrow(/self[- ]signed|unable to (get|verify)|certificate/i);
    // The certificate names localhost, not 127.0.0.1: only the chain holds, which verify-ca accepts and verify-full does not.
    await expect(primaryHistory(upstream("127.0.0.1", { sslMode: "verify-full", sslRootCert: ca }), 30_000)).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list|does not match/);
    expect(await primaryHistory(upstream("127.0.0.1", { sslMode: "verify-ca", sslRootCert: ca }), 30_000)).toMatchObject({ timeline: 1 });
  });

  it("never send the password in clear text, which a stock client does", async () => {
    const refused = /asked for the password in clear text, which the agent refuses/;
    await expect(primaryHistory(upstream("127.0.0.1"), 30_000)).rejects.toThrow(refused);
    const target = path.join(cluster.dir, "refused-backup");
    mkdirSync(target, { mode: 0o700 });
    await expect(takeBaseBackup(upstream("127.0.0.1"), target, null, "refused", 30_000)).rejects.toThrow(refused);
    // The control: the server really asks for it in clear text, and takes it.
    const stock = new pg.Client({ host: "127.0.0.1", port: primary.port, user: "postgres", password: PASSWORD, database: "postgres", replication: "true" } as pg.ClientConfig);
    await stock.connect();
    await stock.end();
  });
});

describe("a standby's primary_conninfo (libpq in the server)", () => {
  let standby: ClusterServer;

  const walReceiver = async () => (await cluster.sql<{ status: string | null }>(standby, "SELECT (SELECT status FROM pg_stat_wal_receiver) AS status"))[0]?.status ?? null;
  async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${readFileSync(path.join(cluster.dir, "standby.log"), "utf8").split("\n").slice(-15).join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  async function repoint(conninfo: string): Promise<void> {
    // ALTER SYSTEM takes no parameters: the value as an SQL literal.
    await cluster.sql(standby, `ALTER SYSTEM SET primary_conninfo = '${conninfo.replaceAll("'", "''")}'`);
    await cluster.sql(standby, "SELECT pg_reload_conf()");
  }

  it("streams over TLS verified against the pinned CA", async () => {
    // The standby is the agent's own base backup, over the same TLS.
    const dataDir = path.join(cluster.dir, "standby");
    mkdirSync(dataDir, { mode: 0o700 });
    const owner = postgresOsUser();
    if (owner) chownSync(dataDir, owner.uid, owner.gid);
    await takeBaseBackup(upstream("localhost", { sslMode: "verify-full", sslRootCert: ca }), dataDir, owner, "tls standby", 120_000);
    writeFileSync(path.join(dataDir, "standby.signal"), "");
    if (owner) chownSync(path.join(dataDir, "standby.signal"), owner.uid, owner.gid);
    standby = { name: "standby", dataDir, port: await freePort() };
    const conninfo = primaryConninfo({ host: "localhost", port: primary.port }, { user: "postgres", password: PASSWORD, sslMode: "verify-full", sslRootCert: ca }, "tls-standby", 18);
    expect(conninfo).toContain("sslmode='verify-full'");
    expect(conninfo).toContain("require_auth='!password'");
    await startCluster({ dataDir, port: standby.port, settings: { primary_conninfo: conninfo, hot_standby: true } }, path.join(cluster.dir, "standby.log"));
    await until(async () => (await walReceiver()) === "streaming", "the standby to stream");
    const [replication] = await cluster.sql<{ ssl: boolean }>(primary, "SELECT s.ssl FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid) WHERE r.application_name = 'tls-standby'");
    expect(replication).toEqual({ ssl: true });
  }, 180_000);

  it("refuses to send the password in clear text (require_auth), where a conninfo without it streams", async () => {
    const plain = { user: "postgres", password: PASSWORD, sslMode: "disable" as const };
    await repoint(primaryConninfo({ host: "127.0.0.1", port: primary.port }, plain, "plain-standby", 18));
    await until(async () => readFileSync(path.join(cluster.dir, "standby.log"), "utf8").includes('authentication method requirement "!password" failed'), "the WAL receiver to refuse");
    expect(await walReceiver()).not.toBe("streaming");
    // The control: a libpq too old for require_auth (no such option given) sends it, and streams.
    await repoint(primaryConninfo({ host: "127.0.0.1", port: primary.port }, plain, "plain-standby", 15));
    await until(async () => (await walReceiver()) === "streaming", "the standby to stream without require_auth");
  }, 120_000);
});
