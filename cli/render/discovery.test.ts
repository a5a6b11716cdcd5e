import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { DiscoveryResult } from "@/contracts/discovery";
import { fleetDocumentSchema } from "@/contracts/topology";
import { proposeTopology } from "@/core/discovery/propose-topology";
import { primaryReading, sender, standbyReading } from "@/test/fixtures/discovery-readings";
import { wrap } from "../format";
import { renderDiscoverySummary, renderProposalYaml } from "./discovery";

function discovered(): DiscoveryResult {
  const primary = primaryReading({ synchronousStandbyNames: '"pg-eu-west-1"', walSenders: [sender("pg-eu-west-1", 1, { syncState: "sync" })] });
  const outcome = proposeTopology({ serviceId: "orders-db", name: "Orders" }, primary, [standbyReading({ field: "standbyUrls.0", host: "db2.example.com", name: "pg-eu-west-1" })]);
  if (outcome.kind !== "proposed") throw new Error(outcome.refusal.reason);
  const { kind: _, ...result } = outcome;
  return result;
}

const RESULT = discovered();

describe("the proposal as fleet.yaml", () => {
  const yaml = renderProposalYaml(RESULT);

  it("reads back as exactly the proposal, which is not yet a valid fleet document", () => {
    const document = parse(yaml);
    expect(document).toEqual(RESULT.proposal);
    expect(fleetDocumentSchema.safeParse(document).success).toBe(false);
  });

  it("carries each question at its path and each observation as comments on top", () => {
    expect(yaml).toMatch(/^# Proposed by `switchyard discover`/);
    expect(yaml).toContain("# Questions:\n# - services.0.replicas.0.name\n");
    expect(yaml).toContain("# - services.0.replicas.1.region\n#     Which region pg-eu-west-1 runs in (cloud:code, e.g. aws:eu-west-1): PostgreSQL does not know");
    expect(yaml).toContain("# - services.0.datasets\n#     The service's datasets: each one's owner team, consistency (strong or eventual) and recovery\n#     budgets");
    expect(yaml).toContain("# Seen:\n# - pg-eu-west-1 streams without a replication slot: its upstream may remove WAL it still needs\n");
    for (const line of yaml.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it("is summed up in the terminal when written to a file", () => {
    expect(renderDiscoverySummary(RESULT, "fleet.yaml").split("\n").slice(0, 4)).toEqual([
      "Wrote fleet.yaml: 2 replicas (the primary, unnamed, pg-eu-west-1).",
      "",
      "7 questions to answer in it before it is applied:",
      "- services.0.replicas.0.name",
    ]);
  });
});

describe("wrapping prose", () => {
  it("fills lines up to the width, never splitting a word", () => {
    expect(wrap("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrap("  a  verylongword b ", 4)).toEqual(["a", "verylongword", "b"]);
    expect(wrap("", 10)).toEqual([]);
  });
});
