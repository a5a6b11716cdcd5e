import pg from "pg";
import { portOf, requireLabState } from "@/lab/state";
import { LAB_HOST, LAB_SERVICE_ID, LAB_SUPERUSER, findReplica, labService } from "@/lab/topology";

export interface WritableSample {
  at: number;
  /** Replicas that answered as a primary taking writes (not in recovery, default_transaction_read_only off). */
  writable: string[];
}

/** How long one probe may take: a frozen or dead server counts as not writable. */
const PROBE_TIMEOUT_MS = 400;

async function writableNow(name: string, port: number, password: string): Promise<boolean> {
  const database = labService(findReplica(name).serviceId).database;
  const client = new pg.Client({ host: LAB_HOST, port, user: LAB_SUPERUSER, password, database, connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS, application_name: `chaos-sampler-${name}` });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ recovery: boolean; readOnly: string }>(
      "SELECT pg_is_in_recovery() AS recovery, current_setting('default_transaction_read_only') AS \"readOnly\"",
    );
    return rows[0]?.recovery === false && rows[0]?.readOnly === "off";
  } catch {
    return false;
  } finally {
    void client.end().catch(() => undefined);
  }
}

/** Whether the lab replica takes writes now, asked directly. */
export async function takesWrites(dataDir: string, replica: string): Promise<boolean> {
  const state = await requireLabState(dataDir);
  return writableNow(replica, portOf(state, replica), state.password);
}

/**
 * Asks every lab replica of the service directly (not through the lab's
 * links: the sampler stands for the truth, not for a region) whether it
 * takes writes, every `everyMs`, until stopped. Two writable primaries at one
 * sample is split brain.
 */
export async function sampleWritablePrimaries(dataDir: string, everyMs = 200, serviceId = LAB_SERVICE_ID): Promise<{ stop(): Promise<WritableSample[]> }> {
  const replicas = labService(serviceId).replicas;
  const state = await requireLabState(dataDir);
  return sampleWritable(
    replicas.map((replica) => replica.name),
    (name) => writableNow(name, portOf(state, name), state.password),
    everyMs,
  );
}

/** Asks each of `names` whether it takes writes (`writable`, false for a server that does not answer in time), every `everyMs`, until stopped. */
export function sampleWritable(names: readonly string[], writable: (name: string) => Promise<boolean>, everyMs = 200): { stop(): Promise<WritableSample[]> } {
  const samples: WritableSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      const answers = await Promise.all(names.map(async (name) => ((await writable(name)) ? name : null)));
      samples.push({ at, writable: answers.filter((name): name is string => name !== null) });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - at))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** The samples where more than one replica took writes. */
export const splitBrains = (samples: readonly WritableSample[]) => samples.filter((sample) => sample.writable.length > 1);
