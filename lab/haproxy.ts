import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, mkdirSync, openSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { haproxyConfig, type BackendReplica } from "@/core/load-balancing/haproxy-config";
import { labDir } from "./paths";
import { LAB_DATABASE, LAB_HOST, LAB_SERVICE_ID } from "./topology";
import type { WriteEndpoint } from "./write-endpoint";

/**
 * Debian's HAProxy in front of the lab's first service (orders-db), when it is installed: a
 * write port (the replica whose agent answers 200 on /primary) and a read
 * port (standbys on /replica), configured by the same code as
 * `switchyard haproxy-config`. Never required: without it the lab runs as before.
 */

export const HAPROXY_INSTALL_HINT = "sudo apt-get install haproxy";

/** The read port's lag limit in the lab: Patroni's usual one. */
const LAB_MAX_LAG = "16MB";
const STOP_GRACE_MS = 5_000;

const portsSchema = z.object({ write: z.number().int().positive(), read: z.number().int().positive() });
export type HaproxyPorts = z.infer<typeof portsSchema>;

export const haproxyDir = (dataDir: string) => path.join(labDir(dataDir), "haproxy");
const portsFile = (dataDir: string) => path.join(haproxyDir(dataDir), "ports.json");

/** The binary: on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
export function findHaproxy(env: NodeJS.ProcessEnv = process.env): string | null {
  const folders = [...(env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/sbin", "/usr/local/sbin"];
  for (const folder of folders) {
    const candidate = path.join(folder, "haproxy");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return null;
}

/** The ports of the lab's HAProxy as its latest start recorded them; null when it has never run here. */
export async function readHaproxyPorts(dataDir: string): Promise<HaproxyPorts | null> {
  try {
    return portsSchema.parse(JSON.parse(await readFile(portsFile(dataDir), "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`${portsFile(dataDir)}: ${(error as Error).message}`);
  }
}

/** HAProxy's write port as the workload's endpoint; HAProxy must have run in this lab (its ports are recorded). */
export async function haproxyWriteEndpoint(dataDir: string): Promise<WriteEndpoint> {
  const ports = await readHaproxyPorts(dataDir);
  if (!ports) throw new Error(`HAProxy has not run in this lab (no ${portsFile(dataDir)}): install it (${HAPROXY_INSTALL_HINT}) and start the lab with npm start`);
  return { replicaName: "HAProxy's write port", host: LAB_HOST, port: ports.write, database: LAB_DATABASE };
}

export interface LabHaproxy {
  ports: HaproxyPorts;
  configFile: string;
  stop(): Promise<void>;
}

/**
 * Writes the configuration and runs HAProxy in the foreground as a child
 * (its output in `haproxy.log`); resolves once it has checked the
 * configuration and bound its ports. `freePort` picks the ports, preferring
 * the ones recorded by the previous start so clients keep their settings.
 */
export async function startLabHaproxy(options: {
  dataDir: string;
  binary: string;
  replicas: readonly BackendReplica[];
  freePort: (preferred?: number) => Promise<number>;
  log: (line: string) => void;
}): Promise<LabHaproxy> {
  const dir = haproxyDir(options.dataDir);
  mkdirSync(dir, { recursive: true });
  const recorded = await readHaproxyPorts(options.dataDir).catch(() => null);
  const write = await options.freePort(recorded?.write);
  let read = await options.freePort(recorded?.read);
  if (read === write) read = await options.freePort();
  const ports = { write, read };
  const config = haproxyConfig({
    serviceId: LAB_SERVICE_ID,
    replicas: options.replicas,
    bind: LAB_HOST,
    writePort: write,
    readPort: read,
    maxLag: LAB_MAX_LAG,
    generatedBy: "written by the lab (npm start) from its replicas and their agents' health ports",
  });
  for (const item of config.leftOut) options.log(`left out: ${item.sentence}`);
  const configFile = path.join(dir, "haproxy.cfg");
  await writeFile(configFile, config.text);

  const logFd = openSync(path.join(dir, "haproxy.log"), "a");
  let child: ChildProcess;
  try {
    // -db: stay in the foreground, so it stops with the lab and never outlives a stop of ours.
    child = spawn(options.binary, ["-db", "-f", configFile], { stdio: ["ignore", logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let stopping = false;
  let spawnError: Error | null = null;
  // A binary that cannot be run is an "error" event, not an exit: without a listener it would take npm start down.
  child.once("error", (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", (code, signal) => {
    if (!stopping) options.log(`exited (${signal ?? `code ${code}`}); see ${path.join(dir, "haproxy.log")}`);
  });
  await waitForListening(ports.write, child, () => spawnError, path.join(dir, "haproxy.log"));
  // Recorded once it listens: what a workload `--through haproxy` and the next start read.
  await writeFile(portsFile(options.dataDir), `${JSON.stringify(ports)}\n`);
  return {
    ports,
    configFile,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    },
  };
}

/** HAProxy binds its ports once the configuration parsed; a configuration it refuses makes it exit, which we report. */
async function waitForListening(port: number, child: ChildProcess, spawnError: () => Error | null, logFile: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failed = spawnError();
    if (failed) throw new Error(`haproxy could not be run: ${failed.message}`);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`haproxy exited at start (code ${child.exitCode}): see ${logFile}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: LAB_HOST, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`haproxy did not listen on ${LAB_HOST}:${port} within ${timeoutMs / 1000} s: see ${logFile}`);
}
