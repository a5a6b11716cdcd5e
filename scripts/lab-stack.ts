/**
 * The lab as `npm start` runs it: the regional PostgreSQL clusters, an agent
 * process next to each replica, and the workload, all wired to this control
 * plane. Everything lives under `<data folder>/lab`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildAgentBundle } from "@/agents/build";
import type { AgentConfig } from "@/agents/config";
import { postgresBinaries } from "@/embedded/postgres-binaries";
import { startLab, type Lab } from "@/lab/lab";
import { pgdataDir, serverLogFile } from "@/lab/paths";
import { startWorkload } from "@/lab/workload";
import type { Db } from "@/server/db/client";
import { commandSigningKey } from "@/server/commands/signing-key";
import { labAgentToken, labWorkloadToken } from "@/server/lab/lab-credentials";
import { syncLabEndpoints } from "@/server/lab/sync-lab-endpoints";
import { freePort } from "@/server/store/free-port";
import { stopChild } from "./stop-child";

type Log = (line: string) => void;

export interface LabStack {
  lab: Lab;
  /** Starts the agents and the workload once the control plane answers. */
  run(controlPlaneUrl: string): Promise<void>;
  /** Stops the workload and the agents (the clusters stop with `lab.stop()`). */
  stopProcesses(): Promise<void>;
}

const AGENT_STOP_MS = 5_000;
/** Brings the lab's clusters up and records them in the store; agents and workload wait for `run`. */
export async function prepareLabStack(dataDir: string, client: Db, log: Log): Promise<LabStack> {
  const labDir = path.join(dataDir, "lab");
  const lab = await startLab({ dataDir, log: (line) => log(`lab: ${line}`) });
  const moved = await syncLabEndpoints(client, lab.replicas);
  if (moved.length) log(`lab: topology now points at ${moved.join(", ")}`);

  const agentTokens = new Map<string, string>();
  for (const replica of lab.replicas) {
    agentTokens.set(replica.name, await labAgentToken(client, replica.name, path.join(labDir, "agents", replica.name, "token")));
  }
  const workloadToken = await labWorkloadToken(client, path.join(labDir, "workload", "token"));
  const { publicKeyPem } = await commandSigningKey(client);

  const children: ChildProcess[] = [];
  let workload: { stop(): Promise<void> } | null = null;
  let stopping = false;

  return {
    lab,
    async run(controlPlaneUrl) {
      const bundle = path.join(dataDir, "agents", "switchyard-agent.mjs");
      await buildAgentBundle(bundle);
      const binDir = path.dirname((await postgresBinaries()).pg_ctl);
      for (const replica of lab.replicas) {
        const folder = path.join(labDir, "agents", replica.name);
        await mkdir(folder, { recursive: true });
        const config: AgentConfig = {
          controlPlaneUrl,
          token: agentTokens.get(replica.name)!,
          agentName: `agent-${replica.name}`,
          replica: { name: replica.name, regionId: replica.regionId, engine: "postgresql", connectionString: lab.connectionString(replica.name) },
          peers: lab.replicas
            .filter((peer) => peer.name !== replica.name)
            .map((peer) => ({ replica: peer.name, regionId: peer.regionId, connectionString: lab.connectionString(peer.name) })),
          intervalMs: 1000,
          probeTimeoutMs: 2000,
          queue: { dir: path.join(folder, "queue"), maxBytes: 64 * 1024 * 1024 },
          commands: { publicKey: publicKeyPem, pollSeconds: 25 },
          // The lab's clusters share one superuser, which may also stream.
          replication: { user: "postgres", password: lab.password },
          server: { dataDir: pgdataDir(dataDir, replica.name), binDir, logFile: serverLogFile(dataDir, replica.name) },
          metrics: { port: await freePort(), host: "127.0.0.1" },
        };
        const configFile = path.join(folder, "agent.json");
        await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
        const logFile = createWriteStream(path.join(folder, "agent.log"), { flags: "a" });
        // Lite mode (no optimizing compiler) saves ~10 MB per agent; an agent
        // runs a few queries a second, so the slower JavaScript is not felt.
        const child = spawn(process.execPath, ["--lite-mode", bundle, configFile], { stdio: ["ignore", "pipe", "pipe"] });
        child.stdout?.pipe(logFile);
        child.stderr?.pipe(logFile);
        child.on("exit", (code, signal) => {
          if (!stopping) log(`agent ${replica.name} exited (${signal ?? `code ${code}`}); its log: ${path.join(folder, "agent.log")}`);
        });
        children.push(child);
        log(`agent ${replica.name}: pid ${child.pid}, metrics at http://127.0.0.1:${config.metrics.port}/metrics`);
      }
      const rate = Number(process.env.LAB_WRITE_RATE ?? 50);
      workload = await startWorkload({ dataDir, rate, controlPlane: { url: controlPlaneUrl, token: workloadToken } });
      log(`workload: ~${rate} writes/s to the write route; ledger in ${path.join(labDir, "ledger")}`);
    },
    async stopProcesses() {
      stopping = true;
      await workload?.stop();
      await Promise.all(children.map((child) => stopChild(child, AGENT_STOP_MS)));
    },
  };
}
