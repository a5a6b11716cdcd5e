import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { z } from "zod";
import { labDir, stateFile } from "./paths";
import { LAB_REPLICAS, findReplica, seededPrimary } from "./topology";

const labStateSchema = z.object({
  version: z.literal(1),
  password: z.string().min(1),
  primary: z.string(),
  replicas: z.record(z.string(), z.object({ port: z.number().int().positive() })),
});

/** What commands and restarts need to find the lab again: `<dataDir>/lab/state.json`. */
export type LabState = z.infer<typeof labStateSchema>;

export async function readLabState(dataDir: string): Promise<LabState | null> {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return null;
  return labStateSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

export async function requireLabState(dataDir: string): Promise<LabState> {
  const state = await readLabState(dataDir);
  if (!state) throw new Error(`no lab in ${labDir(dataDir)}; run "up" first`);
  return state;
}

/** Written to a temporary file and renamed, so a reader never sees half a state. */
export async function writeLabState(dataDir: string, state: LabState): Promise<void> {
  await mkdir(labDir(dataDir), { recursive: true, mode: 0o755 });
  const file = stateFile(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

export function newLabState(): LabState {
  return {
    version: 1,
    password: randomBytes(18).toString("base64url"),
    primary: seededPrimary().name,
    replicas: Object.fromEntries(LAB_REPLICAS.map((replica) => [replica.name, { port: replica.preferredPort }])),
  };
}

export function portOf(state: LabState, replicaName: string): number {
  const entry = state.replicas[replicaName];
  if (!entry) throw new Error(`the lab state has no port for ${replicaName}`);
  return entry.port;
}

/** For whoever moves the primary (a failover): later `up`s and the workload follow the record. */
export async function recordPrimary(dataDir: string, replicaName: string): Promise<void> {
  const state = await requireLabState(dataDir);
  await writeLabState(dataDir, { ...state, primary: findReplica(replicaName).name });
}
