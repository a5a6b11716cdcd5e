/**
 * The workload as a process of its own (spawned by `startWorkload`):
 * `workload-process.ts <dataDir> <rate> <services> [haproxy]`, `<services>`
 * comma-separated ids (empty: every service the lab has run), with
 * SWITCHYARD_URL and SWITCHYARD_TOKEN naming the control plane to follow, if
 * any (`haproxy`: write orders-db through the lab's HAProxy write port
 * instead). It ends on SIGINT/SIGTERM, or when the parent that spawned it goes away.
 */
import { dataDir } from "@/server/data-dir";
import { controlPlaneFromEnv, DEFAULT_RATE } from "./workload";
import { runWorkloads, servicesToWrite } from "./workload-services";

const [dataDirArg, rateArg, servicesArg, throughArg] = process.argv.slice(2);
const controller = new AbortController();
const stop = () => controller.abort();
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
process.on("disconnect", stop);

try {
  const dir = dataDirArg ?? dataDir();
  await runWorkloads({
    dataDir: dir,
    services: await servicesToWrite(dir, servicesArg ? servicesArg.split(",") : undefined),
    rate: rateArg ? Number(rateArg) : DEFAULT_RATE,
    controlPlane: controlPlaneFromEnv(),
    through: throughArg === "haproxy" ? "haproxy" : undefined,
    log: (line) => console.log(`[workload] ${line}`),
    signal: controller.signal,
  });
} catch (error) {
  console.error(`[workload] ${(error as Error).message}`);
  process.exitCode = 1;
}
process.disconnect?.();
