/**
 * Region evacuation of simulated services: the product as `npm start` runs
 * it (no lab), N services of three replicas each (aws:us-east-1,
 * aws:eu-west-1, gcp:europe-west3) whose agents speak the real agent API and
 * carry commands out on a simulated engine (bench/support/simulated-agents).
 * For each concurrency, one plan moves every service out of the region that
 * holds their primaries (a planned switchover each). Reports the plan's
 * duration, the services' runs, and the control plane's own time per
 * service: at concurrency 1, the gap between one run's end and the next
 * run's start (the plan engine's step), and at full concurrency how long it
 * takes to start every run.
 *
 *   npm run bench:evacuation -- --services 20 --concurrency 1,5,20
 */
import { parseArgs } from "node:util";
import { createDb } from "@/server/db/client";
import { api, until } from "./support/api";
import { adminToken, startControlPlane } from "./support/control-plane";
import { inParallel } from "./support/simulated-fleet";
import { simulateService, type SimulatedReplica } from "./support/simulated-agents";
import { round, summarize } from "./support/stats";

const { values } = parseArgs({ options: { services: { type: "string", default: "20" }, concurrency: { type: "string", default: "1,5,20" } } });
const SERVICES = Number(values.services);
const CONCURRENCIES = values.concurrency.split(",").map(Number);
const REGIONS = ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"];
const JURISDICTIONS: Record<string, string> = { "aws:us-east-1": "US", "aws:eu-west-1": "EU", "gcp:europe-west3": "EU" };

const product = await startControlPlane();
const store = createDb(product.databaseUrl, 2);
const simulations: ReturnType<typeof simulateService>[] = [];
try {
  const admin = await adminToken(product.url);
  await api(product.url, "POST", "/api/v1/users", admin, { email: "bench-evacuation@switchyard.local", password: "bench-evacuation-password", roles: ["operator"] });
  const operator = (
    await (
      await fetch(`${product.url}/api/v1/auth/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "bench-evacuation@switchyard.local", password: "bench-evacuation-password", name: "bench", scopes: ["operate"] }),
      })
    ).json()
  ).token as string;
  // Only plans move primaries here: the decider is paused so that nothing else does.
  await api(product.url, "POST", "/api/v1/automation/pauses", operator, { scope: "global", reason: "evacuation benchmark", expiresAt: new Date(Date.now() + 6 * 3_600_000).toISOString() });

  for (const regionId of REGIONS) {
    const [cloud, code] = regionId.split(":") as [string, string];
    await store.region.upsert({ where: { id: regionId }, create: { id: regionId, cloud, code, jurisdiction: JURISDICTIONS[regionId]!, displayName: regionId }, update: {} });
  }
  const serviceIds = Array.from({ length: SERVICES }, (_, s) => `evac-${String(s).padStart(3, "0")}`);
  for (const serviceId of serviceIds) {
    await store.service.create({ data: { id: serviceId, name: serviceId, engine: "postgresql", datasets: { create: [{ name: "data", ownerTeam: "bench", consistency: "strong", rpoSeconds: 0, rtoSeconds: 60 }] } } });
    await store.replica.createMany({
      data: REGIONS.map((regionId, r) => ({
        serviceId,
        regionId,
        name: `${serviceId}-${regionId.replace(":", "-")}`,
        role: r === 0 ? ("primary" as const) : ("standby" as const),
        engine: "postgresql" as const,
        host: "127.0.0.1",
        port: 5432,
        databaseName: "bench",
        replication: r === 2 ? ("async" as const) : ("sync" as const),
        promotionPriority: 100 - r * 10,
      })),
    });
    const primary = await store.replica.findFirstOrThrow({ where: { serviceId, role: "primary" } });
    await store.service.update({ where: { id: serviceId }, data: { writeReplicaId: primary.id } });
  }
  const replicas = await store.replica.findMany({ where: { serviceId: { in: serviceIds } } });
  const tokens = new Map<string, string>();
  await inParallel(replicas, 4, async (replica) => {
    const agent = await api(product.url, "POST", "/api/v1/agents", admin, { replicaId: replica.id, name: `agent-${replica.name}` });
    tokens.set(replica.id, agent.token);
  });
  for (const serviceId of serviceIds) {
    const own = replicas.filter((replica) => replica.serviceId === serviceId);
    const simulated: SimulatedReplica[] = own.map((replica) => ({ name: replica.name, regionId: replica.regionId, token: tokens.get(replica.id)! }));
    simulations.push(simulateService(product.url, simulated, own.find((replica) => replica.role === "primary")!.name));
  }

  console.log(`evacuation of ${SERVICES} simulated services (3 replicas each, agents reporting every 0.5 s); a planned switchover per service`);
  for (const concurrency of CONCURRENCIES) {
    const healthy = await until(
      "every service healthy",
      () => Promise.all(serviceIds.map((id) => api(product.url, "GET", `/api/v1/services/${id}`, operator))),
      (services) => services.every((service) => service.replicas.every((replica: any) => replica.live.health === "healthy")),
      120_000,
      500,
    );
    const regionId = healthy[0].writeRegionId as string;
    const plan = await api(product.url, "POST", "/api/v1/plans", operator, { regionId, services: serviceIds, concurrency, reason: `benchmark at concurrency ${concurrency}` });
    const done = await until("the plan to end", () => api(product.url, "GET", `/api/v1/plans/${plan.id}`, operator), (view) => ["succeeded", "failed", "aborted"].includes(view.status), 900_000, 250);
    if (done.status !== "succeeded") throw new Error(`plan ${done.status}: ${done.error} ${JSON.stringify(done.services.filter((service: any) => service.state !== "succeeded"))}`);
    const runs = await store.run.findMany({ where: { planId: plan.id }, select: { createdAt: true, finishedAt: true } });
    const planMs = Date.parse(done.finishedAt) - Date.parse(done.startedAt);
    const runMs = runs.map((run) => run.finishedAt!.getTime() - run.createdAt.getTime());
    const starts = runs.map((run) => run.createdAt.getTime()).sort((a, b) => a - b);
    const ends = runs.map((run) => run.finishedAt!.getTime()).sort((a, b) => a - b);
    // At concurrency 1 each run starts after the one before ended: the gap is the plan engine's own time per service.
    const gaps = concurrency === 1 ? starts.slice(1).map((start, i) => start - ends[i]!) : [];
    const run = summarize(runMs);
    console.log(
      `  concurrency ${String(concurrency).padStart(2)}: plan ${round(planMs / 1000, 2)} s; runs p50 ${round(run.p50 / 1000, 2)} s, max ${round(run.max / 1000, 2)} s; ` +
        `last run started ${round((starts.at(-1)! - Date.parse(done.startedAt)) / 1000, 2)} s after the plan` +
        (gaps.length ? `; between runs p50 ${summarize(gaps).p50} ms, max ${summarize(gaps).max} ms` : ""),
    );
  }
} finally {
  await Promise.all(simulations.map((simulation) => simulation.stop()));
  await store.$disconnect();
  await product.stop();
}
