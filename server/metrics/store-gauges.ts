import "server-only";
import { Gauge } from "prom-client";
import { db } from "../db/client";
import { copyOfHolder, thisCopy } from "../loops/lease-loop";
import { metrics } from "../loops/loop-metrics";

interface StoreFacts {
  leases: { name: string; holder: string; token: bigint }[];
  outbox: { pending: number; oldest: number | null; failed: number };
}

let reading: Promise<StoreFacts | null> | null = null;

/**
 * The leases and the outbox as the store holds them, read once per scrape:
 * prom-client collects every metric at once, so the gauges share the read
 * under way. Null when the store could not be read.
 */
function storeFacts(): Promise<StoreFacts | null> {
  reading ??= (async () => {
    try {
      const [leases, outbox] = await Promise.all([
        db().$queryRaw<StoreFacts["leases"]>`SELECT name, holder, token FROM "Lease" WHERE "expiresAt" > now()`,
        db().$queryRaw<StoreFacts["outbox"][]>`
          SELECT count(*) FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL)::int AS pending,
                 extract(epoch FROM now() - min("createdAt") FILTER (WHERE "deliveredAt" IS NULL AND "failedAt" IS NULL))::float8 AS oldest,
                 count(*) FILTER (WHERE "failedAt" IS NOT NULL)::int AS failed
            FROM "AlertNotification"`,
      ]);
      return { leases, outbox: outbox[0] ?? { pending: 0, oldest: null, failed: 0 } };
    } catch {
      return null;
    } finally {
      reading = null;
    }
  })();
  return reading;
}

/** A gauge set afresh from the store's facts at each scrape (left empty when the store cannot be read). */
function storeGauge<L extends string>(name: string, help: string, labelNames: readonly L[], fill: (gauge: Gauge<L>, facts: StoreFacts) => void) {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [metrics().registry],
    async collect() {
      const facts = await storeFacts();
      this.reset();
      if (facts) fill(this, facts);
    },
  });
}

/**
 * What the store says when scraped, the same whichever copy is asked (who
 * holds each lease, the webhook outbox), beside `switchyard_copy_info` naming
 * the copy that answered: per copy are the counters, which count what that
 * copy did. A store that cannot be read sets `switchyard_store_up` to 0
 * rather than failing the whole scrape.
 */
function create() {
  storeGauge("switchyard_copy_info", "Always 1: the copy that answered this scrape, as lease holders name it (host:pid).", ["copy"], (gauge) => gauge.set({ copy: thisCopy() }, 1));
  new Gauge({
    name: "switchyard_store_up",
    help: "1 when this copy could read the leases and the webhook outbox from the store for this scrape, else 0.",
    registers: [metrics().registry],
    async collect() {
      this.set((await storeFacts()) ? 1 : 0);
    },
  });
  storeGauge(
    "switchyard_lease_holder",
    "1 for the holder of each unexpired lease (the decider's `automation`, `run-executor`, `alerting`, `paging`, `maintenance`, `drills`…), labelled with its copy (host:pid) and the full holder.",
    ["lease", "copy", "holder"],
    (gauge, { leases }) => leases.forEach((lease) => gauge.set({ lease: lease.name, copy: copyOfHolder(lease.holder), holder: lease.holder }, 1)),
  );
  storeGauge("switchyard_lease_held", "1 for each unexpired lease this copy holds, 0 for one another copy holds.", ["lease"], (gauge, { leases }) =>
    leases.forEach((lease) => gauge.set({ lease: lease.name }, copyOfHolder(lease.holder) === thisCopy() ? 1 : 0)),
  );
  storeGauge("switchyard_lease_token", "Each unexpired lease's fencing token: it rises by one every time the lease changes hands.", ["lease"], (gauge, { leases }) =>
    leases.forEach((lease) => gauge.set({ lease: lease.name }, Number(lease.token))),
  );
  storeGauge("switchyard_webhook_outbox_depth", "Alert notifications waiting to be delivered to their webhooks (neither delivered nor given up on).", [], (gauge, { outbox }) =>
    gauge.set(outbox.pending),
  );
  storeGauge("switchyard_webhook_outbox_oldest_age_seconds", "Age of the oldest notification waiting in the webhook outbox; 0 when none waits.", [], (gauge, { outbox }) =>
    gauge.set(outbox.oldest ?? 0),
  );
  storeGauge("switchyard_webhook_outbox_failed", "Alert notifications given up on after their last attempt, kept in the outbox with their error.", [], (gauge, { outbox }) =>
    gauge.set(outbox.failed),
  );
}

const globalForMetrics = globalThis as unknown as { switchyardStoreGauges?: true };

/** Registers the gauges read from the store at each scrape, once per process. */
export function registerStoreGauges(): void {
  if (globalForMetrics.switchyardStoreGauges) return;
  create();
  globalForMetrics.switchyardStoreGauges = true;
}
