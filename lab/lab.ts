import { runningPid } from "@/embedded/postgres-cluster";
import { labDown, labUp, type LabUpOptions, type Log } from "./lifecycle";
import { pgdataDir } from "./paths";
import { portOf, primaryOf } from "./state";
import { LAB_HOST, LAB_SUPERUSER, findReplica, labServices, serviceOf } from "./topology";

export interface LabReplicaInfo {
  name: string;
  regionId: string;
  serviceId: string;
  host: typeof LAB_HOST;
  port: number;
  databaseName: string;
  role: "primary" | "standby";
  pid: number | null;
}

export interface LabServiceInfo {
  id: string;
  databaseName: string;
  primary: string;
  replicas: LabReplicaInfo[];
}

export interface Lab {
  /** The superuser (`postgres`) password of every cluster. */
  password: string;
  /** Every started service's replicas, service after service (orders-db's first). */
  replicas: LabReplicaInfo[];
  /** The services started, each with its replicas. */
  services: LabServiceInfo[];
  /** `postgresql://…` for the replica's database (`orders`, `payments`). */
  connectionString(name: string): string;
  /** Stops every cluster (fast shutdown); the data stays for the next start. */
  stop(): Promise<void>;
}

/** The lab for `npm start` and tests: `up` (every service, or those named), then what the control plane needs to know about it. */
export async function startLab(options: { dataDir: string; log?: Log } & LabUpOptions): Promise<Lab> {
  const log = options.log ?? ((line: string) => console.log(`[lab] ${line}`));
  // A start that fails midway (a port taken meanwhile, say) must not leave the clusters it started holding their ports.
  const state = await labUp(options.dataDir, log, { route: options.route, onPorts: options.onPorts, services: options.services }).catch(async (error: unknown) => {
    await labDown(options.dataDir, log).catch(() => {});
    throw error;
  });
  const services = await Promise.all(
    labServices(options.services).map(async (service): Promise<LabServiceInfo> => {
      const primary = primaryOf(state, service.id);
      const replicas = await Promise.all(
        service.replicas.map(
          async (replica): Promise<LabReplicaInfo> => ({
            name: replica.name,
            regionId: replica.regionId,
            serviceId: service.id,
            host: LAB_HOST,
            port: portOf(state, replica.name),
            databaseName: service.database,
            role: replica.name === primary ? "primary" : "standby",
            pid: await runningPid(pgdataDir(options.dataDir, replica.name)),
          }),
        ),
      );
      return { id: service.id, databaseName: service.database, primary, replicas };
    }),
  );
  return {
    password: state.password,
    replicas: services.flatMap((service) => service.replicas),
    services,
    connectionString: (name) => {
      const replica = findReplica(name);
      const port = portOf(state, replica.name);
      return `postgresql://${LAB_SUPERUSER}:${encodeURIComponent(state.password)}@${LAB_HOST}:${port}/${serviceOf(replica).database}`;
    },
    stop: () => labDown(options.dataDir, log),
  };
}
