import { budgetVerdicts, type DatasetBudget } from "../drills/budget-verdicts";
import { formatSeconds } from "../format";
import type { IncidentStatus } from "./incident-status";
import type { TimelineEntry } from "./timeline";

/** Everything a review draft is written from: the incident as stored, its timeline, its runs and the datasets' budgets. */
export interface ReviewRecord {
  incident: {
    id: string;
    title: string;
    serviceIds: readonly string[];
    status: IncidentStatus;
    firstSignAt: Date;
    openedAt: Date;
    resolvedAt: Date | null;
    openedBy: string;
    openRule: string;
    commander: string | null;
    responders: readonly string[];
  };
  updates: readonly { status: IncidentStatus; note: string; author: string; at: Date }[];
  timeline: readonly TimelineEntry[];
  runs: readonly ReviewRun[];
  datasets: readonly (DatasetBudget & { serviceId: string })[];
}

export interface ReviewRun {
  id: string;
  serviceId: string;
  runbookId: string;
  mode: string;
  startedBy: string;
  status: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  observedRtoMs: number | null;
  /** How the RTO was measured, in a sentence; null when it was not. */
  observedRtoSentence: string | null;
}

/** The sections people fill in: the record cannot know them. */
export const REVIEW_FILL_IN_SECTIONS = ["Impact", "Contributing factors", "Actions"] as const;

const iso = (at: Date) => at.toISOString().replace(".000Z", "Z");
const span = (from: Date, to: Date | null | undefined) => (to ? formatSeconds(Math.max(0, to.getTime() - from.getTime()) / 1000) : "not reached");
const firstOf = (timeline: readonly TimelineEntry[], test: (entry: TimelineEntry) => boolean) => timeline.find(test)?.at ?? null;
const isActingDecision = (entry: TimelineEntry) => entry.action === "automation.decide" && entry.outcome === "success";

/** The instants detection and decision are measured between. */
export function reviewMilestones(record: ReviewRecord) {
  const { timeline, incident } = record;
  const firstSign = timeline.find((entry) => entry.action === null)?.at ?? incident.firstSignAt;
  return {
    firstSign: firstSign < incident.firstSignAt ? firstSign : incident.firstSignAt,
    firstAlertFired: firstOf(timeline, (entry) => entry.action === "alert.fire"),
    incidentOpened: incident.openedAt,
    // The first thing that acted: the automation's decision to act, or a run someone (or something) started.
    firstDecision: firstOf(timeline, (entry) => isActingDecision(entry) || entry.action === "run.start"),
    resolved: incident.resolvedAt,
  };
}

const line = (entry: TimelineEntry) =>
  `| ${iso(entry.at)} | ${entry.actor.type}: ${entry.actor.label} | ${cell(entry.what)} | ${entry.rule ? `\`${entry.rule}\`` : ""} | ${cell(entry.why ?? "")} |`;
/** A table cell holds no pipe or line break of its own. */
const cell = (value: string) => value.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function timelineSection(timeline: readonly TimelineEntry[]): string[] {
  if (!timeline.length) return ["_The record holds nothing in the incident's window._"];
  return ["| Time (UTC) | Who / what | What | Rule | Why |", "|---|---|---|---|---|", ...timeline.map(line)];
}

function recoverySection(record: ReviewRecord): string[] {
  if (!record.runs.length) return ["_No run was started during the incident, so no RTO was observed._"];
  return record.runs.flatMap((run) => {
    const verdicts = budgetVerdicts(
      record.datasets.filter((dataset) => dataset.serviceId === run.serviceId),
      { rtoMs: run.observedRtoMs, lost: null, lossWindowMs: null },
    );
    return [
      `### Run ${run.id} (${run.runbookId}, ${run.mode}) on ${run.serviceId}`,
      "",
      `- Started by ${run.startedBy}${run.startedAt ? ` at ${iso(run.startedAt)}` : ""}; ended ${run.status}${run.finishedAt ? ` at ${iso(run.finishedAt)}` : ""}.`,
      `- Observed RTO: ${run.observedRtoMs === null ? "not measured" : `${formatSeconds(run.observedRtoMs / 1000)} (${run.observedRtoMs} ms)`}${run.observedRtoSentence ? ` — ${run.observedRtoSentence}` : ""}`,
      ...verdicts.map((verdict) => `- ${verdict.budget.toUpperCase()} ${verdict.passed === null ? "not judged" : verdict.passed ? "within budget" : "over budget"}: ${verdict.sentence}`),
      "",
    ];
  });
}

function automationSection(timeline: readonly TimelineEntry[]): string[] {
  const acts = timeline.filter((entry) => entry.actor.type === "automation" && entry.rule && entry.action !== "run.step");
  if (!acts.length) return ["_The automation took no decision in the incident's window._"];
  return acts.map((entry) => `- ${iso(entry.at)} — ${entry.what}: rule \`${entry.rule}\` — ${entry.why ?? "no sentence recorded"}`);
}

function manualSection(timeline: readonly TimelineEntry[]): string[] {
  const manual = timeline.filter((entry) => entry.actor.type === "user" && entry.action !== "incident.review");
  if (!manual.length) return ["_Nobody acted by hand in the incident's window._"];
  return manual.map((entry) => `- ${iso(entry.at)} — ${entry.actor.label}: ${entry.what}${entry.why ? ` — ${entry.why}` : ""}`);
}

/**
 * The first draft of a post-incident review, in Markdown, written only from
 * the record: people edit it afterwards (the fill-in sections are theirs).
 */
export function reviewDraft(record: ReviewRecord): string {
  const { incident } = record;
  const at = reviewMilestones(record);
  return [
    `# Post-incident review: ${incident.title}`,
    "",
    `- Incident: ${incident.id}`,
    `- Services: ${incident.serviceIds.join(", ")}`,
    `- Opened ${iso(incident.openedAt)} by ${incident.openedBy} (rule \`${incident.openRule}\`); ${incident.resolvedAt ? `resolved ${iso(incident.resolvedAt)}` : `still ${incident.status}`}`,
    `- Commander: ${incident.commander ?? "none assigned"}; responders: ${incident.responders.length ? incident.responders.join(", ") : "none"}`,
    "",
    "## Detection and decision",
    "",
    `- First sign: ${iso(at.firstSign)}`,
    `- Detection (first sign → alert fired): ${at.firstAlertFired ? span(at.firstSign, at.firstAlertFired) : "no alert fired"}`,
    `- Paging (first sign → incident opened): ${span(at.firstSign, at.incidentOpened)}`,
    `- Decision (first sign → first action, by the automation or a person): ${at.firstDecision ? span(at.firstSign, at.firstDecision) : "nothing acted"}`,
    `- Resolution (first sign → resolved): ${span(at.firstSign, at.resolved)}`,
    "",
    "## Recovery against the datasets' budgets",
    "",
    ...recoverySection(record),
    "## What the automation did and why",
    "",
    ...automationSection(record.timeline),
    "",
    "## Manual steps and who did them",
    "",
    ...manualSection(record.timeline),
    "",
    "## Status updates",
    "",
    ...(record.updates.length ? record.updates.map((update) => `- ${iso(update.at)} — **${update.status}** (${update.author}): ${update.note}`) : ["_None._"]),
    "",
    "## Timeline",
    "",
    ...timelineSection(record.timeline),
    "",
    ...REVIEW_FILL_IN_SECTIONS.flatMap((section) => [`## ${section}`, "", "_To be written by the people who were there._", ""]),
  ].join("\n");
}
