import type { ReplicaConfig } from "../config";
import { MariadbAdapter } from "../mariadb/mariadb-adapter";
import type { EngineAdapter } from "./engine-adapter";
import { PostgresAdapter } from "./postgres-adapter";
import { SimulatedAdapter } from "./simulated-adapter";

/** The adapter the config names; the simulated one only when asked for by name. */
export function adapterFor(replica: ReplicaConfig, probeTimeoutMs: number): EngineAdapter {
  switch (replica.engine) {
    case "postgresql":
      return new PostgresAdapter(replica.connectionString, probeTimeoutMs);
    case "mariadb":
      return new MariadbAdapter(replica.connectionString, probeTimeoutMs);
    case "simulated":
      return new SimulatedAdapter(replica.seed, replica.role, replica.profile);
  }
}
