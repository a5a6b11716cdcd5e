/**
 * The lab from a terminal:
 *   node --import tsx --conditions=react-server lab/cli.ts <command>
 * Everything lives under SWITCHYARD_DATA_DIR (default .switchyard).
 */
import { dataDir } from "@/server/data-dir";
import { UsageError, argument, positiveNumber, workloadArguments } from "./cli-arguments";
import { killRegion, pauseRegion } from "./faults";
import { haproxyWriteEndpoint } from "./haproxy";
import { labDown, labUp } from "./lifecycle";
import { NETWORK_USAGE, networkCommand } from "./network/cli-commands";
import { formatStatus, labStatus } from "./status";
import { defaultVerifyReplica, verifyLedger } from "./verify";
import { controlPlaneFromEnv, DEFAULT_RATE } from "./workload";
import { runWorkload } from "./workload-loop";

const USAGE = `usage: lab <command>
  up                        create what is missing and start every region's cluster
  down                      stop every cluster (fast shutdown); data is kept
  status                    ports, processes, roles, LSNs and replication per region
  kill <region>             SIGKILL a region's PostgreSQL (region id like aws:eu-west-1, or replica name)
  pause <region> <seconds>  freeze a region's PostgreSQL (SIGSTOP), then resume it
  verify [region]           check the ledger of acknowledged writes against a replica
                            (default: the synchronous standby); exits 1 if any is lost
  workload [rate] [--through haproxy]
                            write continuously (default ${DEFAULT_RATE}/s) until Ctrl-C;
                            follows the control plane when SWITCHYARD_URL and SWITCHYARD_TOKEN are set;
                            --through haproxy writes only to the HAProxy write port npm start runs${NETWORK_USAGE}`;

const log = (line: string) => console.log(`[lab] ${line}`);

/** An AbortSignal that Ctrl-C (or SIGTERM) triggers, so long-running commands end cleanly. */
function interruption(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  return controller.signal;
}

async function main(args: string[]): Promise<number> {
  const dir = dataDir();
  const [command] = args;
  switch (command) {
    case "up": {
      const started = Date.now();
      await labUp(dir, log);
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
      const { replica, pid } = await killRegion(dir, argument(args, 1, "region"));
      log(`killed ${replica.name} (${replica.regionId}, postmaster pid ${pid})`);
      return 0;
    }
    case "pause": {
      const region = argument(args, 1, "region");
      const seconds = positiveNumber(argument(args, 2, "seconds"), "seconds");
      const signal = interruption();
      log(`pausing ${region} for ${seconds} s (Ctrl-C resumes it early)`);
      const { replica } = await pauseRegion(dir, region, seconds, signal);
      log(`${replica.name} resumed`);
      return 0;
    }
    case "verify": {
      const replica = args[1] ?? (await defaultVerifyReplica(dir));
      const check = await verifyLedger(dir, replica);
      console.log(`${check.replica}: ${check.acknowledged} acknowledged, ${check.present} present, ${check.lost} lost, ${check.duplicated} duplicated`);
      if (check.sampleLost.length) console.log(`lost, for example: ${check.sampleLost.join(", ")}`);
      return check.lost > 0 || check.duplicated > 0 ? 1 : 0;
    }
    case "workload": {
      const { rate, through } = workloadArguments(args.slice(1), DEFAULT_RATE);
      await runWorkload({
        dataDir: dir,
        rate,
        controlPlane: controlPlaneFromEnv(),
        through: through ? await haproxyWriteEndpoint(dir) : undefined,
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
