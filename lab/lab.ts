import { runningPid } from "@/embedded/postgres-cluster";
import { labDown, labUp, type LabUpOptions, type Log } from "./lifecycle";
import { pgdataDir } from "./paths";
import { portOf } from "./state";
import { LAB_DATABASE, LAB_HOST, LAB_REPLICAS, LAB_SUPERUSER, findReplica } from "./topology";

export interface LabReplicaInfo {
  name: string;
  regionId: string;
  host: typeof LAB_HOST;
  port: number;
  databaseName: typeof LAB_DATABASE;
  role: "primary" | "standby";
  pid: number | null;
}

export interface Lab {
  /** The superuser (`postgres`) password of every cluster. */
  password: string;
  replicas: LabReplicaInfo[];
  /** `postgresql://…` for the replica's `orders` database. */
  connectionString(name: string): string;
  /** Stops every cluster (fast shutdown); the data stays for the next start. */
  stop(): Promise<void>;
}

/** The lab for `npm start` and tests: `up`, then what the control plane needs to know about it. */
export async function startLab(options: { dataDir: string; log?: Log } & LabUpOptions): Promise<Lab> {
  const log = options.log ?? ((line: string) => console.log(`[lab] ${line}`));
  const state = await labUp(options.dataDir, log, { route: options.route, onPorts: options.onPorts });
  const replicas = await Promise.all(
    LAB_REPLICAS.map(
      async (replica): Promise<LabReplicaInfo> => ({
        name: replica.name,
        regionId: replica.regionId,
        host: LAB_HOST,
        port: portOf(state, replica.name),
        databaseName: LAB_DATABASE,
        role: replica.name === state.primary ? "primary" : "standby",
        pid: await runningPid(pgdataDir(options.dataDir, replica.name)),
      }),
    ),
  );
  return {
    password: state.password,
    replicas,
    connectionString: (name) => {
      const replica = findReplica(name);
      const port = portOf(state, replica.name);
      return `postgresql://${LAB_SUPERUSER}:${encodeURIComponent(state.password)}@${LAB_HOST}:${port}/${LAB_DATABASE}`;
    },
    stop: () => labDown(options.dataDir, log),
  };
}
