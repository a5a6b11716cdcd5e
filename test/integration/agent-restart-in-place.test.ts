import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalServer } from "@/agents/commands/rewind/local-server";
import { createLogger } from "@/agents/log";
import { InPlaceRestarter, type RestartLeaseGuard } from "@/agents/restart/in-place-restarter";
import { DEFAULT_CRASH_LOOP } from "@/core/agents/in-place-restart";
import { postgresBinaries } from "@/embedded/postgres-binaries";
import { runningPid, stopCluster } from "@/embedded/postgres-cluster";
import { ReplicationCluster, type ClusterServer } from "../support/replication-cluster";

/**
 * The agent's in-place restart against a real PostgreSQL 18: a postmaster
 * killed alone (its children still exiting) is started again on its folder,
 * a primary read-only as the lease keeper's own fence; a server stopped on
 * purpose is left alone. The control plane's side is the chaos suite's.
 */

let cluster: ReplicationCluster;
let primary: ClusterServer;
let server: LocalServer;

/** The lease keeper as the restarter sees it: what it was told, and whether the control plane refused. */
class LeaseGuard implements RestartLeaseGuard {
  refused = false;
  fences = 0;
  wakes = 0;
  adoptRestartFence(): void {
    this.fences += 1;
  }
  wake(): void {
    this.wakes += 1;
  }
}

function restarterFor(lease: LeaseGuard | null, lines: string[]): InPlaceRestarter {
  return new InPlaceRestarter({ server, enabled: true, limit: DEFAULT_CRASH_LOOP, lease, log: createLogger("restart-test", (line) => lines.push(line)) });
}

const readOnly = async () => (await cluster.sql<{ value: string }>(primary, "SELECT current_setting('default_transaction_read_only') AS value"))[0]!.value;

async function killPostmaster(): Promise<void> {
  const pid = await runningPid(primary.dataDir);
  if (!pid) throw new Error("the primary is not running");
  process.kill(pid, "SIGKILL");
  while (server.postmaster() === "running") await new Promise((resolve) => setTimeout(resolve, 20));
}

async function settled(restarter: InPlaceRestarter) {
  await restarter.stop();
  return restarter.report();
}

beforeAll(async () => {
  cluster = ReplicationCluster.create("restart-in-place", "restart-password");
  primary = await cluster.startPrimary("primary");
  server = new LocalServer({ dataDir: primary.dataDir, binDir: path.dirname((await postgresBinaries()).pg_ctl), logFile: path.join(cluster.dir, "primary.log") });
});

afterAll(async () => {
  await cluster.stop();
});

describe("restarting a crashed server in place", () => {
  it("starts a primary whose postmaster was SIGKILLed again, read-only as the lease keeper's own fence", async () => {
    const lease = new LeaseGuard();
    const lines: string[] = [];
    const restarter = restarterFor(lease, lines);
    await killPostmaster();
    expect(server.postmaster()).toBe("stale");
    restarter.observed(false);
    expect(restarter.report()).toMatchObject({ state: "restarting", rule: "restart-crashed-server", endedAt: null });
    // While it runs, further ticks start nothing more.
    restarter.observed(false);
    const report = await settled(restarter);
    expect(report, lines.join("")).toMatchObject({ state: "restarted", rule: "restart-crashed-server" });
    expect(report!.endedAt).not.toBeNull();
    expect(server.postmaster()).toBe("running");
    expect(await readOnly()).toBe("on");
    expect({ fences: lease.fences, wakes: lease.wakes }).toEqual({ fences: 1, wakes: 1 });

    // What the keeper does on a grant: the fence goes, the server takes writes.
    await cluster.sql(primary, "ALTER SYSTEM RESET default_transaction_read_only");
    await cluster.sql(primary, "SELECT pg_reload_conf()");
    await cluster.sql(primary, "CREATE TABLE IF NOT EXISTS restarted (id int); INSERT INTO restarted VALUES (1)");
  });

  it("does not bring back a primary whose lease the control plane refuses, nor one without a lease keeper", async () => {
    for (const lease of [Object.assign(new LeaseGuard(), { refused: true }), null]) {
      const restarter = restarterFor(lease, []);
      await killPostmaster();
      restarter.observed(false);
      expect(await settled(restarter)).toMatchObject({ state: "given-up", rule: lease ? "lease-refused" : "primary-without-lease-keeper" });
      expect(server.postmaster()).toBe("stale");
      // A restarter that may brings it back for the next case.
      const again = restarterFor(new LeaseGuard(), []);
      again.observed(false);
      expect(await settled(again)).toMatchObject({ state: "restarted" });
    }
  });

  it("leaves a server stopped on purpose alone", async () => {
    const restarter = restarterFor(new LeaseGuard(), []);
    await stopCluster(primary.dataDir, "fast");
    expect(server.postmaster()).toBe("none");
    restarter.observed(false);
    expect(await settled(restarter)).toBeNull();
    expect(server.postmaster()).toBe("none");
    await server.start();
  });
});
