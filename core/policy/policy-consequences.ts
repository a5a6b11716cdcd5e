import type { PolicyDocument } from "@/contracts/policy";
import { formatSeconds } from "../format";
import { failoverWaitMs } from "./budgets";
import { formatPolicyBytes as formatBytes, formatPolicyValue } from "./diff-policy";
import { subjectOf, witnessRegionCount, type PolicyReplica, type PolicyTopology } from "./policy-topology";

const at = (replica: PolicyReplica) => `${replica.name} (${replica.regionId})`;

function lagConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  const from = before.failover.maxLagBytes;
  const to = after.failover.maxLagBytes;
  if (from === to) return [];
  const head = `failover.maxLagBytes ${formatBytes(from)} → ${formatBytes(to)}`;
  const candidates = topology.replicas.filter((replica) => replica.role === "standby" && !replica.noPromote && replica.lagBytes !== null);
  const sentences = candidates.flatMap((replica) => {
    const lag = replica.lagBytes!;
    if (lag > from && lag <= to) return [`${head}: ${at(replica)}, lagging ${formatBytes(lag)} now, becomes eligible for automatic failover`];
    if (lag <= from && lag > to) return [`${head}: ${at(replica)}, lagging ${formatBytes(lag)} now, is no longer eligible for automatic failover`];
    return [];
  });
  return sentences.length ? sentences : [`${head}: no standby's eligibility for automatic failover changes at the lag reported now`];
}

function automaticConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  if (before.failover.automatic === after.failover.automatic) return [];
  return after.failover.automatic
    ? [`failover.automatic off → on: ${subjectOf(topology)} fails over by itself again when its primary's region is declared unfit`]
    : [`failover.automatic on → off: ${subjectOf(topology)} no longer fails over by itself; losing the primary's region needs a guided runbook`];
}

function switchoverConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  if (before.failover.cooldownAfterSwitchover === after.failover.cooldownAfterSwitchover) return [];
  return after.failover.cooldownAfterSwitchover
    ? [
        `failover.cooldownAfterSwitchover off → on: after a planned switchover of ${subjectOf(topology)}, automatic failover is held for the cooldown (${after.failover.cooldownSeconds} s) unless a person acknowledges it`,
      ]
    : [`failover.cooldownAfterSwitchover on → off: a planned switchover of ${subjectOf(topology)} leaves automatic failover armed for the new primary`];
}

/** Only MariaDB replicas are rebuilt or refused by this choice: PostgreSQL's rejoin discards the diverged history either way. */
function errantConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  const from = before.failover.errantTransactions;
  const to = after.failover.errantTransactions;
  if (from === to) return [];
  const head = `failover.errantTransactions ${from} → ${to}`;
  const services = [...new Set(topology.replicas.filter((replica) => replica.engine === "mariadb").map((replica) => replica.serviceId))];
  if (services.length === 0) {
    return [`${head}: no effect on ${subjectOf(topology)}, which has no MariaDB replica (a PostgreSQL former primary rejoins by discarding its history since the split either way)`];
  }
  return [
    to === "rebuild"
      ? `${head}: a former primary of ${services.join(", ")} holding transactions the new primary lacks is rebuilt from it when it rejoins, those transactions kept only in the dump its agent writes to its formerDataDir first (refused where none is configured)`
      : `${head}: a former primary of ${services.join(", ")} holding transactions the new primary lacks is no longer rebuilt: it stays read-only with its data`,
  ];
}

function drillConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  if (before.drills.requireApproval === after.drills.requireApproval) return [];
  return after.drills.requireApproval
    ? [
        `drills.requireApproval off → on: a drill of ${subjectOf(topology)} (a person's, a scheduled one, or a plan drill covering it) starts nothing until a second person approves it, and expires unapproved after ${after.drills.approvalExpiresAfterMinutes} min`,
      ]
    : [`drills.requireApproval on → off: a drill of ${subjectOf(topology)} starts its run as soon as it is asked, with no second person`];
}

function windowConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  const known = new Set(before.maintenanceWindows.map((window) => JSON.stringify(window)));
  return after.maintenanceWindows
    .filter((window) => !known.has(JSON.stringify(window)))
    .map(
      (window) =>
        `maintenanceWindows: while ${window.startsAt} – ${window.endsAt} (${window.reason}) is in force, ${
          window.automaticFailover === "held" ? `automatic failover of ${subjectOf(topology)} is held` : `automatic failover of ${subjectOf(topology)} stays armed`
        } and its alerts are marked in maintenance and not sent to webhooks`,
    );
}

function quorumConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  const from = before.witness.quorum;
  const to = after.witness.quorum;
  if (from === to) return [];
  const witnesses = witnessRegionCount(topology);
  const direction = to < from ? "fewer witnesses suffice, so a region is declared unfit sooner" : "more witnesses must agree, so a region is declared unfit later";
  return [`witness.quorum ${from} → ${to}: declaring a region unfit needs ${to} of its ${witnesses} witness region${witnesses === 1 ? "" : "s"} to lose it; ${direction}`];
}

function heartbeatConsequences(before: PolicyDocument, after: PolicyDocument): string[] {
  const window = (document: PolicyDocument) => document.heartbeat.intervalSeconds * document.heartbeat.missesBeforeUnfit;
  const wait = (document: PolicyDocument) => failoverWaitMs(document.heartbeat) / 1000;
  const sentences: string[] = [];
  if (window(before) !== window(after)) sentences.push(`heartbeat: a replica whose reports stop is judged unfit after ${window(after)} s instead of ${window(before)} s`);
  if (wait(before) !== wait(after)) {
    sentences.push(
      `heartbeat: a lost primary's successor may be promoted ${formatSeconds(wait(after))} after its witnesses first fail to reach it instead of ${formatSeconds(wait(before))} (the later of the window and the primary's lease lapsing)`,
    );
  }
  return sentences;
}

function datasetConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  const sentences: string[] = [];
  for (const [name, rule] of Object.entries(after.datasets)) {
    const previous = before.datasets[name];
    if (previous?.replication !== rule.replication) {
      sentences.push(
        rule.replication === "async"
          ? `datasets.${name}.replication ${formatPolicyValue("", previous?.replication)} → async: writes to ${name} acknowledged before a standby has them can be lost on failover (RPO above 0)`
          : `datasets.${name}.replication ${formatPolicyValue("", previous?.replication)} → sync: every write to ${name} waits for a synchronous standby (RPO 0, higher write latency)`,
      );
    }
    if (JSON.stringify(previous?.residency) === JSON.stringify(rule.residency)) continue;
    const { jurisdictions, regions } = rule.residency;
    const allowedText = regions.length ? regions.join(", ") : jurisdictions.join(", ");
    const allowed = (replica: PolicyReplica) => jurisdictions.includes(replica.jurisdiction) && (regions.length === 0 || regions.includes(replica.regionId));
    for (const replica of topology.replicas.filter((candidate) => candidate.role !== "witness")) {
      if (allowed(replica)) continue;
      sentences.push(
        replica.writePrimary
          ? `datasets.${name}.residency: the current primary ${at(replica)} of ${replica.serviceId}, in ${replica.jurisdiction}, would be outside the allowed ${allowedText}; ${name} is non-compliant until a switchover moves it`
          : `datasets.${name}.residency: ${at(replica)}, in ${replica.jurisdiction}, is no longer an allowed failover target for ${name}`,
      );
    }
  }
  for (const name of Object.keys(before.datasets).filter((dataset) => !(dataset in after.datasets))) {
    sentences.push(`datasets.${name}: its rule is removed; ${name} falls back to no residency restriction and its recorded consistency`);
  }
  return sentences;
}

/**
 * What would change in the running system if `after` replaced `before`, as
 * sentences computed from the topology and the lag reported now.
 */
export function policyConsequences(before: PolicyDocument, after: PolicyDocument, topology: PolicyTopology): string[] {
  return [
    ...automaticConsequences(before, after, topology),
    ...switchoverConsequences(before, after, topology),
    ...errantConsequences(before, after, topology),
    ...drillConsequences(before, after, topology),
    ...windowConsequences(before, after, topology),
    ...lagConsequences(before, after, topology),
    ...quorumConsequences(before, after, topology),
    ...heartbeatConsequences(before, after),
    ...datasetConsequences(before, after, topology),
  ];
}
