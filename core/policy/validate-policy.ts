import type { PolicyDocument } from "@/contracts/policy";
import { formatSeconds } from "../format";
import { FENCE_LEAD_MS, primaryLeaseMs, shortestPrimaryLeaseMs } from "./budgets";
import { subjectOf, witnessRegionCount, type PolicyTopology } from "./policy-topology";

/** One broken rule: the field it concerns, the rule's id, and a sentence naming both. */
export interface PolicyIssue {
  field: string;
  rule: PolicyRule;
  message: string;
}

export type PolicyRule =
  | "quorum-exceeds-witnesses"
  | "unknown-dataset"
  | "unknown-jurisdiction"
  | "unknown-region"
  | "region-outside-jurisdictions"
  | "no-compliant-replica"
  | "sync-without-sync-standby"
  | "window-ends-before-start"
  | "windows-overlap"
  | "approvals-safety-below-other"
  | "lease-shorter-than-renewals";

const issue = (field: string, rule: PolicyRule, text: string): PolicyIssue => ({ field, rule, message: `${field}: ${text}` });

const list = (items: readonly string[]) => (items.length ? items.join(", ") : "none");

function witnessRules(document: PolicyDocument, topology: PolicyTopology): PolicyIssue[] {
  const witnesses = witnessRegionCount(topology);
  if (document.witness.quorum <= witnesses) return [];
  return [
    issue(
      "witness.quorum",
      "quorum-exceeds-witnesses",
      `quorum ${document.witness.quorum} exceeds the ${witnesses} witness region${witnesses === 1 ? "" : "s"} of ${subjectOf(topology)} (a region is judged by the other regions)`,
    ),
  ];
}

function datasetRules(document: PolicyDocument, topology: PolicyTopology): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const jurisdictionOf = new Map(topology.regions.map((region) => [region.id, region.jurisdiction]));
  const knownJurisdictions = [...new Set(topology.regions.map((region) => region.jurisdiction))].sort();
  for (const [name, rule] of Object.entries(document.datasets)) {
    const field = `datasets.${name}`;
    if (!topology.datasets.includes(name)) {
      issues.push(issue(field, "unknown-dataset", `no dataset ${name} on ${subjectOf(topology)} (its datasets: ${list(topology.datasets)})`));
      continue;
    }
    const { jurisdictions, regions } = rule.residency;
    for (const jurisdiction of jurisdictions.filter((j) => !knownJurisdictions.includes(j))) {
      issues.push(issue(`${field}.residency.jurisdictions`, "unknown-jurisdiction", `unknown jurisdiction ${jurisdiction} (known: ${list(knownJurisdictions)})`));
    }
    for (const region of regions) {
      const jurisdiction = jurisdictionOf.get(region);
      if (jurisdiction === undefined) {
        issues.push(issue(`${field}.residency.regions`, "unknown-region", `unknown region ${region} (known: ${list(topology.regions.map((r) => r.id))})`));
      } else if (!jurisdictions.includes(jurisdiction)) {
        issues.push(
          issue(`${field}.residency.regions`, "region-outside-jurisdictions", `region ${region} is in ${jurisdiction}, outside the allowed jurisdictions ${list(jurisdictions)}`),
        );
      }
    }
    if (topology.serviceId !== null) {
      const allowed = (regionId: string, jurisdiction: string) => jurisdictions.includes(jurisdiction) && (regions.length === 0 || regions.includes(regionId));
      const replicas = topology.replicas.filter((replica) => replica.role !== "witness");
      if (replicas.length && !replicas.some((replica) => allowed(replica.regionId, replica.jurisdiction))) {
        issues.push(
          issue(`${field}.residency`, "no-compliant-replica", `no replica of ${topology.serviceId} is in an allowed place (${list([...jurisdictions, ...regions])}); ${name} could live nowhere`),
        );
      }
      if (rule.replication === "sync" && !topology.replicas.some((replica) => replica.role === "standby" && replica.replication === "sync")) {
        issues.push(issue(`${field}.replication`, "sync-without-sync-standby", `sync replication needs a synchronous standby, and ${topology.serviceId} has none`));
      }
    }
  }
  return issues;
}

function windowRules(document: PolicyDocument): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const windows = document.maintenanceWindows.map((window, index) => ({ index, start: Date.parse(window.startsAt), end: Date.parse(window.endsAt), window }));
  for (const { index, start, end, window } of windows) {
    if (end <= start) issues.push(issue(`maintenanceWindows.${index}`, "window-ends-before-start", `ends (${window.endsAt}) before it starts (${window.startsAt})`));
  }
  const valid = windows.filter((entry) => entry.end > entry.start);
  for (const later of valid) {
    const earlier = valid.find((other) => other.index < later.index && other.start < later.end && later.start < other.end);
    if (earlier) issues.push(issue(`maintenanceWindows.${later.index}`, "windows-overlap", `overlaps maintenanceWindows.${earlier.index} (${earlier.window.startsAt} – ${earlier.window.endsAt})`));
  }
  return issues;
}

function approvalRules(document: PolicyDocument): PolicyIssue[] {
  const { safetyRelevant, other } = document.approvals;
  return safetyRelevant < other
    ? [issue("approvals.safetyRelevant", "approvals-safety-below-other", `${safetyRelevant} is fewer than approvals.other (${other}); safety-relevant changes need at least as many approvals`)]
    : [];
}

/** A lease the agent cannot renew twice over (one renewal lost) would fence a healthy primary. */
function leaseRules(document: PolicyDocument): PolicyIssue[] {
  const { heartbeat } = document;
  const lease = primaryLeaseMs(heartbeat);
  const shortest = shortestPrimaryLeaseMs(heartbeat);
  if (lease >= shortest) return [];
  const field = heartbeat.primaryLeaseSeconds === undefined ? "heartbeat.missesBeforeUnfit" : "heartbeat.primaryLeaseSeconds";
  return [
    issue(
      field,
      "lease-shorter-than-renewals",
      `the primary's lease would last ${formatSeconds(lease / 1000)}, less than ${formatSeconds(shortest / 1000)} (two heartbeats of ${formatSeconds(heartbeat.intervalSeconds)} and the fence's ${formatSeconds(FENCE_LEAD_MS / 1000)} lead): one lost renewal would fence a healthy primary`,
    ),
  ];
}

/**
 * What zod cannot know: whether the document makes sense for the topology it
 * governs. Every rule broken, in document order; none means valid.
 */
export function validatePolicy(document: PolicyDocument, topology: PolicyTopology): PolicyIssue[] {
  return [...witnessRules(document, topology), ...datasetRules(document, topology), ...windowRules(document), ...approvalRules(document), ...leaseRules(document)];
}
