import { UsageError, argument, numberWithin, positiveNumber } from "../cli-arguments";
import type { AgentView } from "./control-api";
import { heal, isolate, killAgent, killControlPlane, listAgents, listLinks, setLink, skewAgent, startAgent, stopControlPlane } from "./control-client";
import type { LinkView } from "./lab-network";
import { describeConditions } from "./links";

/** The fault commands that need the controller of a running `npm start`, for lab/cli.ts's usage. */
export const NETWORK_USAGE = `
  (these need the lab of a running npm start; a region is a region id, a replica name or control-plane)
  links                     every link between regions: its proxy, destination, state, connections
  link <from> <to> cut|heal|slow <ms>|loss <fraction>
                            one direction of one link: cut it (new connections black-holed, open ones
                            reset), heal it, add <ms> each way (slow 40 = +80 ms a round trip), or
                            lose <fraction> (0..1) of handshakes and chunks to TCP retransmission
  isolate <region>          cut every link from and to a region (control-plane: every region's link to it)
  heal [region]             make a region's links, or every link, healthy (up, no delay, no loss)
  agents                    the agent processes: pid, clock offset
  kill-agent <region>       SIGKILL a region's agent
  start-agent <region>      start a region's agent again
  skew-agent <region> <ms>  restart a region's agent stamping its reports <ms> off (0: a true clock)
  control-plane stop <seconds> | kill
                            SIGSTOP the control plane for <seconds>, or SIGKILL it (npm start restarts it)`;

function formatLinks(links: readonly LinkView[]): string {
  return links
    .map((link) => {
      const connections = `${link.connections} open${link.waiting ? `, ${link.waiting} waiting` : ""}`;
      return `${link.from.padEnd(17)} -> ${link.to.padEnd(17)} ${link.listen.padEnd(16)} -> ${(link.destination ?? "(unknown)").padEnd(16)} ${describeConditions(link).padEnd(30)} ${connections}`;
    })
    .join("\n");
}

function formatAgent(agent: AgentView): string {
  const clock = agent.clockOffsetMs ? `clock ${agent.clockOffsetMs > 0 ? "+" : ""}${agent.clockOffsetMs} ms` : "true clock";
  return `${agent.regionId.padEnd(17)} ${agent.replica.padEnd(16)} ${agent.running ? `pid ${agent.pid}` : "not running"}, ${clock}`;
}

async function linkCommand(dir: string, args: readonly string[]): Promise<LinkView> {
  const from = argument(args, 1, "from region");
  const to = argument(args, 2, "to region");
  const action = argument(args, 3, "cut, heal, slow <ms> or loss <fraction>");
  switch (action) {
    case "cut":
      return setLink(dir, { from, to, state: "cut" });
    case "heal":
      return setLink(dir, { from, to, state: "up", delayMs: 0, loss: 0 });
    case "slow":
      return setLink(dir, { from, to, delayMs: numberWithin(argument(args, 4, "milliseconds"), "the delay", 0, 60_000, true) });
    case "loss":
      return setLink(dir, { from, to, loss: numberWithin(argument(args, 4, "fraction"), "the loss", 0, 1) });
    default:
      throw new UsageError(`unknown link action "${action}"; use cut, heal, slow <ms> or loss <fraction>`);
  }
}

/** Runs one of the commands in NETWORK_USAGE; null when `args` is none of them. */
export async function networkCommand(dir: string, args: readonly string[]): Promise<number | null> {
  const [command] = args;
  switch (command) {
    case "links":
      console.log(formatLinks(await listLinks(dir)));
      return 0;
    case "link":
      console.log(formatLinks([await linkCommand(dir, args)]));
      return 0;
    case "isolate":
      console.log(formatLinks(await isolate(dir, argument(args, 1, "region"))));
      return 0;
    case "heal":
      console.log(formatLinks(await heal(dir, args[1])));
      return 0;
    case "agents":
      console.log((await listAgents(dir)).map(formatAgent).join("\n"));
      return 0;
    case "kill-agent": {
      const agent = await killAgent(dir, argument(args, 1, "region"));
      console.log(`killed the agent of ${agent.replica} (pid ${agent.pid})`);
      return 0;
    }
    case "start-agent":
      console.log(formatAgent(await startAgent(dir, argument(args, 1, "region"))));
      return 0;
    case "skew-agent": {
      const offset = numberWithin(argument(args, 2, "milliseconds"), "the clock offset", -86_400_000, 86_400_000, true);
      console.log(formatAgent(await skewAgent(dir, argument(args, 1, "region"), offset)));
      return 0;
    }
    case "control-plane": {
      const action = argument(args, 1, "stop <seconds> or kill");
      if (action === "kill") {
        console.log(`killed the control plane (pid ${(await killControlPlane(dir)).pid}); npm start restarts it in a second`);
        return 0;
      }
      if (action !== "stop") throw new UsageError(`unknown control-plane action "${action}"; use stop <seconds> or kill`);
      const stopped = await stopControlPlane(dir, positiveNumber(argument(args, 2, "seconds"), "seconds"));
      console.log(`stopped the control plane (pid ${stopped.pid}); it continues at ${stopped.resumesAt}`);
      return 0;
    }
    default:
      return null;
  }
}
