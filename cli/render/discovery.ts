import { Document } from "yaml";
import { DISCOVERY_ENGINE_NAMES, type DiscoveryResult } from "@/contracts/discovery";
import { plural, wrap } from "../format";

const WIDTH = 96;

function comment(lines: string[]): string {
  return lines.map((line) => (line ? ` ${line}` : "")).join("\n");
}

function questionLines(result: DiscoveryResult): string[] {
  return result.questions.flatMap((item) => [`- ${item.path}`, ...wrap(item.question, WIDTH - 4).map((line) => `    ${line}`)]);
}

function observationLines(result: DiscoveryResult): string[] {
  return result.observations.flatMap((item) => wrap(item.observation, WIDTH - 2).map((line, index) => `${index === 0 ? "-" : " "} ${line}`));
}

/**
 * The proposal as fleet.yaml, its questions and observations as comments on
 * top, so the person completing the file reads what is missing where they
 * fill it in. What the engine could not tell is absent, not guessed: the
 * file fails validation until the questions are answered.
 */
export function renderProposalYaml(result: DiscoveryResult): string {
  const document = new Document(result.proposal);
  document.commentBefore = comment([
    `Proposed by \`switchyard discover\` from what ${DISCOVERY_ENGINE_NAMES[result.proposal.services[0].engine]} reports. Values it cannot know are`,
    "left out, not guessed: this file is not a valid fleet document until every question below",
    "is answered at its path.",
    ...(result.questions.length ? ["", "Questions:", ...questionLines(result)] : []),
    ...(result.observations.length ? ["", "Seen:", ...observationLines(result)] : []),
  ]);
  return document.toString({ lineWidth: 0 });
}

/** What a person reads in the terminal once the proposal is in a file. */
export function renderDiscoverySummary(result: DiscoveryResult, file: string): string {
  const replicas = result.proposal.services[0].replicas;
  return [
    `Wrote ${file}: ${plural(replicas.length, "replica")} (${replicas.map((replica) => replica.name ?? "the primary, unnamed").join(", ")}).`,
    ...(result.questions.length ? ["", `${plural(result.questions.length, "question")} to answer in it before it is applied:`, ...questionLines(result)] : []),
    ...(result.observations.length ? ["", "Seen:", ...observationLines(result)] : []),
  ].join("\n");
}
