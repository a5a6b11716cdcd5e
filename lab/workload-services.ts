import { haproxyWriteEndpoint } from "./haproxy";
import { readLabState } from "./state";
import { LAB_SERVICE_ID, labServices } from "./topology";
import type { ControlPlane } from "./write-endpoint";
import { runWorkload, type WorkloadTotals } from "./workload-loop";

/** The services a workload writes to when none is named: those the lab has run (its state records their primary). */
export async function servicesToWrite(dataDir: string, requested?: readonly string[]): Promise<string[]> {
  if (requested?.length) return labServices(requested).map((service) => service.id);
  const state = await readLabState(dataDir);
  const ran = labServices().filter((service) => state?.services[service.id]);
  return (ran.length ? ran : labServices([LAB_SERVICE_ID])).map((service) => service.id);
}

/**
 * One write loop per service, side by side, each at `rate` and with its own
 * ledger, its lines prefixed with the service. `through: "haproxy"` sends
 * orders-db's writes to HAProxy's write port (it fronts orders-db only);
 * the other services follow their write route.
 */
export async function runWorkloads(options: {
  dataDir: string;
  services: readonly string[];
  rate: number;
  controlPlane?: ControlPlane;
  through?: "haproxy";
  log: (line: string) => void;
  signal: AbortSignal;
}): Promise<Record<string, WorkloadTotals>> {
  const haproxy = options.through === "haproxy" ? await haproxyWriteEndpoint(options.dataDir) : undefined;
  const several = options.services.length > 1;
  const totals = await Promise.all(
    options.services.map((serviceId) =>
      runWorkload({
        dataDir: options.dataDir,
        serviceId,
        rate: options.rate,
        controlPlane: options.controlPlane,
        through: serviceId === LAB_SERVICE_ID ? haproxy : undefined,
        log: several ? (line) => options.log(`${serviceId}: ${line}`) : options.log,
        signal: options.signal,
      }),
    ),
  );
  return Object.fromEntries(options.services.map((serviceId, index) => [serviceId, totals[index]!]));
}
