/**
 * The lab from a terminal:
 *   node --import tsx --conditions=react-server lab/cli.ts <command>
 * Everything lives under SWITCHYARD_DATA_DIR (default .switchyard).
 */
import { dataDir } from "@/server/data-dir";
import { UsageError, argument, positiveNumber, workloadArguments } from "./cli-arguments";
import { killRegion, pauseRegion } from "./faults";
import { labDown, labUp } from "./lifecycle";
import { NETWORK_USAGE, networkCommand } from "./network/cli-commands";
import { formatStatus, labStatus } from "./status";
import { LAB_SERVICES, labService } from "./topology";
import { defaultVerifyReplica, verifyLedger, type LedgerCheck } from "./verify";
import { controlPlaneFromEnv, DEFAULT_RATE } from "./workload";
import { runWorkloads, servicesToWrite } from "./workload-services";

const SERVICE_IDS = LAB_SERVICES.map((service) => service.id).join(", ");

const USAGE = `usage: lab <command>     (services: ${SERVICE_IDS})
  up [service...]           create what is missing and start every service's clusters (or those named)
  down                      stop every cluster (fast shutdown); data is kept
  status                    ports, processes, roles, LSNs and replication per service and region
  kill <region>             SIGKILL every service's PostgreSQL in a region (a region loss; region id like
                            aws:eu-west-1), or one cluster (replica name like pay-eu-west-1)
  pause <region> <seconds>  freeze a region's PostgreSQL clusters (SIGSTOP), or one cluster, then resume
  verify [service] [region] check a service's ledger of acknowledged writes against a replica (default:
                            every service the lab runs, each against its synchronous standby); exits 1
                            if any is lost
  workload [rate] [--through haproxy]
                            write continuously to every service the lab runs (default ${DEFAULT_RATE}/s each,
                            each its own ledger) until Ctrl-C; follows the control plane's write route per
                            service when SWITCHYARD_URL and SWITCHYARD_TOKEN are set; --through haproxy
                            writes orders-db only to the HAProxy write port npm start runs${NETWORK_USAGE}`;

const log = (line: string) => console.log(`[lab] ${line}`);

/** An AbortSignal that Ctrl-C (or SIGTERM) triggers, so long-running commands end cleanly. */
function interruption(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  return controller.signal;
}

/** `verify [service] [region]`: a first word that is no service id is a region (orders-db's, or the service of the replica named). */
async function verifyCommand(dir: string, args: readonly string[]): Promise<LedgerCheck[]> {
  const [first, second] = args;
  const service = first && LAB_SERVICES.some((candidate) => candidate.id === first) ? first : undefined;
  const region = service ? second : first;
  if (region) return [await verifyLedger(dir, region, service)];
  const services = service ? [service] : await servicesToWrite(dir);
  const checks: LedgerCheck[] = [];
  for (const id of services) checks.push(await verifyLedger(dir, await defaultVerifyReplica(dir, id), id));
  return checks;
}

async function main(args: string[]): Promise<number> {
  const dir = dataDir();
  const [command] = args;
  switch (command) {
    case "up": {
      const started = Date.now();
      const services = args.slice(1);
      for (const service of services) labService(service);
      await labUp(dir, log, { services: services.length ? services : undefined });
      log(`up in ${Date.now() - started} ms`);
      console.log(formatStatus(await labStatus(dir)));
      return 0;
    }
    case "down":
      await labDown(dir, log);
      return 0;
    case "status":
      console.log(formatStatus(await labStatus(dir)));
      return 0;
    case "kill": {
      for (const { replica, pid } of await killRegion(dir, argument(args, 1, "region"))) {
        log(`killed ${replica.name} (${replica.serviceId} in ${replica.regionId}, postmaster pid ${pid})`);
      }
      return 0;
    }
    case "pause": {
      const region = argument(args, 1, "region");
      const seconds = positiveNumber(argument(args, 2, "seconds"), "seconds");
      const signal = interruption();
      log(`pausing ${region} for ${seconds} s (Ctrl-C resumes it early)`);
      const paused = await pauseRegion(dir, region, seconds, signal);
      log(`${paused.map(({ replica }) => replica.name).join(", ")} resumed`);
      return 0;
    }
    case "verify": {
      const checks = await verifyCommand(dir, args.slice(1));
      for (const check of checks) {
        console.log(`${check.serviceId} on ${check.replica}: ${check.acknowledged} acknowledged, ${check.present} present, ${check.lost} lost, ${check.duplicated} duplicated`);
        if (check.sampleLost.length) console.log(`lost, for example: ${check.sampleLost.join(", ")}`);
      }
      return checks.some((check) => check.lost > 0 || check.duplicated > 0) ? 1 : 0;
    }
    case "workload": {
      const { rate, through } = workloadArguments(args.slice(1), DEFAULT_RATE);
      await runWorkloads({
        dataDir: dir,
        services: await servicesToWrite(dir),
        rate,
        controlPlane: controlPlaneFromEnv(),
        through: through ?? undefined,
        log: (line) => console.log(`[workload] ${line}`),
        signal: interruption(),
      });
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command ? 0 : 2;
    default: {
      const code = await networkCommand(dir, args);
      if (code === null) throw new UsageError(`unknown command "${command}"`);
      return code;
    }
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`lab: ${(error as Error).message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
