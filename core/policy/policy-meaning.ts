import type { DatasetRule, MaintenanceWindow, PolicyDocument } from "@/contracts/policy";
import { formatSeconds } from "../format";
import { stalenessWindowMs } from "./budgets";
import { formatPolicyBytes } from "./diff-policy";

/** The parts of a policy the editor groups its fields (and these sentences) by. */
export const POLICY_SECTIONS = ["detection", "failover", "datasets", "approvals", "maintenanceWindows", "alerts", "drills"] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

/** What one setting of a policy does to the running system, in one sentence. */
export interface PolicyMeaning {
  /** The row of MEANINGS it comes from. */
  id: string;
  section: PolicySection;
  /** The field (or the item, for datasets and windows) it is about, dotted. */
  field: string;
  sentence: string;
}

interface MeaningRow {
  /** Stable: tests and the editor refer to it. */
  id: string;
  section: PolicySection;
  /** One sentence per field or item the row covers; a row about a list yields one per item. */
  describe: (document: PolicyDocument) => { field: string; sentence: string }[];
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const one = (field: string, sentence: string) => [{ field, sentence }];

/**
 * After a failover automatic failover waits out the cooldown (unless a person
 * acknowledges), so in any hour it can act at the start and then once per
 * cooldown: ⌈3600 / cooldown⌉ times. None when there is no cooldown.
 */
export function automaticFailoversPerHour(cooldownSeconds: number): number | null {
  return cooldownSeconds > 0 ? Math.ceil(3600 / cooldownSeconds) : null;
}

function failoverRate(document: PolicyDocument): string {
  const { automatic, cooldownSeconds } = document.failover;
  if (!automatic) return "automatic failover is off, so nothing fails over by itself and the cooldown holds nothing back";
  const perHour = automaticFailoversPerHour(cooldownSeconds);
  if (perHour === null) return "no cooldown: automatic failovers may follow one another without limit, so a flapping primary can fail over again and again";
  return `after a failover, automatic failover waits ${formatSeconds(cooldownSeconds)} unless a person acknowledges it: at most ${plural(perHour, "automatic failover")} in any hour`;
}

function datasetReplication(name: string, rule: DatasetRule): string {
  return rule.replication === "sync"
    ? `${name}: every write waits for a synchronous standby before it is acknowledged (RPO 0, higher write latency)`
    : `${name}: writes are acknowledged before a standby has them, so a failover can lose the newest ones (RPO above 0)`;
}

function datasetResidency(name: string, rule: DatasetRule): string {
  const { jurisdictions, regions } = rule.residency;
  const where = regions.length ? `only in ${regions.join(", ")} (within ${jurisdictions.join(", ")})` : `in any region of ${jurisdictions.join(", ")}`;
  return `${name} may be stored, and failed over to, ${where}`;
}

function windowSentence(window: MaintenanceWindow): string {
  const seconds = (Date.parse(window.endsAt) - Date.parse(window.startsAt)) / 1000;
  const length = Number.isFinite(seconds) && seconds > 0 ? ` (${formatSeconds(seconds)})` : "";
  const failover = window.automaticFailover === "held" ? "automatic failover is held for a person" : "automatic failover stays armed";
  return `${window.startsAt} – ${window.endsAt}${length}, ${window.reason}: ${failover}, and alerts are marked in maintenance and sent to no webhook`;
}

/**
 * What each setting means, one row per fact, in the order the editor shows
 * them. Sentences are computed from the document alone, so they change as a
 * person types; what a change does to the running topology is
 * policyConsequences' job (it needs the replicas and their lag).
 */
export const MEANINGS: readonly MeaningRow[] = [
  {
    id: "primary-loss-window",
    section: "detection",
    describe: ({ heartbeat }) =>
      one(
        "heartbeat",
        `a primary silent for ${formatSeconds(stalenessWindowMs(heartbeat) / 1000)} (${plural(heartbeat.missesBeforeUnfit, "missed report")}, one every ${formatSeconds(heartbeat.intervalSeconds)}) is declared lost, if the witnesses agree`,
      ),
  },
  {
    id: "witness-agreement",
    section: "detection",
    describe: ({ heartbeat, witness }) =>
      one(
        "witness.quorum",
        `the witnesses agree when ${plural(witness.quorum, "other region")} ${witness.quorum === 1 ? "fails" : "fail"} to reach the primary for the whole ${formatSeconds(stalenessWindowMs(heartbeat) / 1000)}; one that still reaches it vetoes`,
      ),
  },
  {
    id: "automatic-failover",
    section: "failover",
    describe: ({ failover }) =>
      one(
        "failover.automatic",
        failover.automatic
          ? "a primary declared lost is replaced by itself: an eligible standby is promoted without waiting for a person"
          : "a primary declared lost opens a guided failover runbook for a person; nothing is promoted by itself",
      ),
  },
  {
    id: "failover-lag-limit",
    section: "failover",
    describe: ({ failover }) =>
      one(
        "failover.maxLagBytes",
        failover.maxLagBytes === 0
          ? "only a standby with no lag at all may be promoted automatically; any other needs a person's override with approval"
          : `a standby lagging more than ${formatPolicyBytes(failover.maxLagBytes)} is never promoted automatically; it needs a person's override with approval`,
      ),
  },
  { id: "failover-rate", section: "failover", describe: (document) => one("failover.cooldownSeconds", failoverRate(document)) },
  {
    id: "cooldown-after-switchover",
    section: "failover",
    describe: ({ failover }) =>
      one(
        "failover.cooldownAfterSwitchover",
        failover.cooldownAfterSwitchover
          ? `a planned switchover starts the ${formatSeconds(failover.cooldownSeconds)} cooldown too`
          : "a planned switchover leaves automatic failover armed for the new primary",
      ),
  },
  {
    id: "errant-transactions",
    section: "failover",
    describe: ({ failover }) =>
      one(
        "failover.errantTransactions",
        failover.errantTransactions === "rebuild"
          ? "a former MariaDB primary holding transactions the new primary lacks is rebuilt from it when it rejoins, its databases first dumped to its agent's formerDataDir (PostgreSQL: a former primary always rejoins by discarding its history since the split)"
          : "a former MariaDB primary holding transactions the new primary lacks is not rejoined: it stays read-only with its data until the policy says rebuild (PostgreSQL: a former primary always rejoins by discarding its history since the split)",
      ),
  },
  {
    id: "dataset-replication",
    section: "datasets",
    describe: ({ datasets }) => Object.entries(datasets).map(([name, rule]) => ({ field: `datasets.${name}.replication`, sentence: datasetReplication(name, rule) })),
  },
  {
    id: "dataset-residency",
    section: "datasets",
    describe: ({ datasets }) => Object.entries(datasets).map(([name, rule]) => ({ field: `datasets.${name}.residency`, sentence: datasetResidency(name, rule) })),
  },
  {
    id: "approvals-needed",
    section: "approvals",
    describe: ({ approvals }) =>
      one(
        "approvals",
        `a change to a safety-relevant field needs ${plural(approvals.safetyRelevant, "approval")}, any other change ${plural(approvals.other, "approval")}, never from the person who proposed it`,
      ),
  },
  {
    id: "maintenance-windows",
    section: "maintenanceWindows",
    describe: ({ maintenanceWindows }) =>
      maintenanceWindows.length
        ? maintenanceWindows.map((window, index) => ({ field: `maintenanceWindows.${index}`, sentence: windowSentence(window) }))
        : one("maintenanceWindows", "no maintenance window: automatic failover and alert webhooks are never held by one"),
  },
  {
    id: "alert-delay",
    section: "alerts",
    describe: ({ alerts }) =>
      one("alerts.forSeconds", alerts.forSeconds === 0 ? "an alert fires as soon as its condition is seen" : `an alert fires once its condition has held for ${formatSeconds(alerts.forSeconds)}`),
  },
  {
    id: "drill-approval",
    section: "drills",
    describe: ({ drills }) =>
      one(
        "drills",
        drills.requireApproval
          ? `a drill starts nothing until a second person approves it, and expires unapproved after ${formatSeconds(drills.approvalExpiresAfterMinutes * 60)}`
          : "a drill starts its run as soon as it is asked, with no second person",
      ),
  },
];

/** Every sentence the document means, in table order. */
export function policyMeaning(document: PolicyDocument): PolicyMeaning[] {
  return MEANINGS.flatMap((row) => row.describe(document).map(({ field, sentence }) => ({ id: row.id, section: row.section, field, sentence })));
}
