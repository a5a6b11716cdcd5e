import path from "node:path";
import { LAB_SERVICE_ID, labService } from "./topology";

/** Where the lab keeps everything, all under `<dataDir>/lab`; no two regions share a folder. */
export function labDir(dataDir: string): string {
  return path.join(dataDir, "lab");
}

export function stateFile(dataDir: string): string {
  return path.join(labDir(dataDir), "state.json");
}

export function replicaDir(dataDir: string, replicaName: string): string {
  return path.join(labDir(dataDir), replicaName);
}

export function pgdataDir(dataDir: string, replicaName: string): string {
  return path.join(replicaDir(dataDir, replicaName), "pgdata");
}

export function serverLogFile(dataDir: string, replicaName: string): string {
  return path.join(replicaDir(dataDir, replicaName), "postgres.log");
}

/** One ledger per service, named after its database (orders-db's is `ledger/orders.log`, as before there were two). */
export function ledgerFile(dataDir: string, serviceId: string = LAB_SERVICE_ID): string {
  return path.join(labDir(dataDir), "ledger", `${labService(serviceId).database}.log`);
}

/** The link proxies' and the controller's ports, kept so standbys' primary_conninfo stays valid across restarts. */
export function networkFile(dataDir: string): string {
  return path.join(labDir(dataDir), "network.json");
}

/** The fault controller's token for this start (mode 0600): only whoever can read the data folder may inject faults. */
export function controllerTokenFile(dataDir: string): string {
  return path.join(labDir(dataDir), "controller.token");
}
