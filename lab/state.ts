import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { z } from "zod";
import { labDir, stateFile } from "./paths";
import { LAB_SERVICE_ID, findReplica, seededPrimary } from "./topology";

const replicasSchema = z.record(z.string(), z.object({ port: z.number().int().positive() }));

const labStateSchema = z.object({
  version: z.literal(2),
  password: z.string().min(1),
  /** Which replica is primary, per service the lab has run; a service not yet here starts from its seeded primary. */
  services: z.record(z.string(), z.object({ primary: z.string() })),
  replicas: replicasSchema,
});

/** What a lab from before the second service wrote: orders-db's primary at the top. */
const singleServiceStateSchema = z.object({
  version: z.literal(1),
  password: z.string().min(1),
  primary: z.string(),
  replicas: replicasSchema,
});

/** What commands and restarts need to find the lab again: `<dataDir>/lab/state.json`. */
export type LabState = z.infer<typeof labStateSchema>;

/** Reads either shape; a single-service state becomes orders-db's entry (written back as version 2 by the next `up`). */
export function parseLabState(json: unknown): LabState {
  const single = singleServiceStateSchema.safeParse(json);
  if (single.success) {
    const { password, primary, replicas } = single.data;
    return { version: 2, password, services: { [LAB_SERVICE_ID]: { primary } }, replicas };
  }
  return labStateSchema.parse(json);
}

export async function readLabState(dataDir: string): Promise<LabState | null> {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return null;
  return parseLabState(JSON.parse(await readFile(file, "utf8")));
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
  return { version: 2, password: randomBytes(18).toString("base64url"), services: {}, replicas: {} };
}

/** The service's primary as recorded, or its seeded one when the lab has not run it yet. */
export function primaryOf(state: LabState, serviceId: string): string {
  return state.services[serviceId]?.primary ?? seededPrimary(serviceId).name;
}

export function portOf(state: LabState, replicaName: string): number {
  const entry = state.replicas[replicaName];
  if (!entry) throw new Error(`the lab state has no port for ${replicaName}`);
  return entry.port;
}

/** For whoever moves the primary (a failover): later `up`s and the workload follow the record. */
export async function recordPrimary(dataDir: string, replicaName: string): Promise<void> {
  const state = await requireLabState(dataDir);
  const replica = findReplica(replicaName);
  await writeLabState(dataDir, { ...state, services: { ...state.services, [replica.serviceId]: { primary: replica.name } } });
}
