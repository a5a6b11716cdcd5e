import path from "node:path";

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

export function ledgerFile(dataDir: string): string {
  return path.join(labDir(dataDir), "ledger", "orders.log");
}

/** The link proxies' and the controller's ports, kept so standbys' primary_conninfo stays valid across restarts. */
export function networkFile(dataDir: string): string {
  return path.join(labDir(dataDir), "network.json");
}

/** The fault controller's token for this start (mode 0600): only whoever can read the data folder may inject faults. */
export function controllerTokenFile(dataDir: string): string {
  return path.join(labDir(dataDir), "controller.token");
}
