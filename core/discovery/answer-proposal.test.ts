import { describe, expect, it } from "vitest";
import type { DiscoveryProposal } from "@/contracts/discovery";
import { completeProposal, initialAnswers, regionChoices, type ProposalAnswers } from "./answer-proposal";

/** What discovery proposes for a primary with no primary_conninfo and one sync standby whose URL was given. */
const proposal: DiscoveryProposal = {
  version: 1,
  services: [
    {
      engine: "postgresql",
      replicas: [
        { host: "db1.example.com", port: 5432, database: "billing" },
        { name: "billing-b", host: "db2.example.com", port: 5432, database: "billing", replication: "sync" },
      ],
    },
  ],
};
const known = { regionIds: ["aws:us-east-1", "aws:eu-west-1"], serviceIds: ["orders-db"] };

function answered(change: (answers: ProposalAnswers) => void = () => {}): ProposalAnswers {
  const answers = initialAnswers(proposal);
  answers.serviceId = "billing-db";
  answers.name = "Billing";
  answers.replicas[0] = { ...answers.replicas[0]!, name: "billing-a", region: "aws:us-east-1", replication: "sync" };
  answers.replicas[1]!.region = "aws:eu-west-1";
  answers.datasets = [{ name: "invoices", ownerTeam: "billing", consistency: "strong", rpoSeconds: "0", rtoSeconds: "120" }];
  change(answers);
  return answers;
}

const problems = (answers: ProposalAnswers) => {
  const result = completeProposal(proposal, answers, known);
  return result.ok ? [] : result.problems;
};

describe("completing a discovery proposal with a person's answers", () => {
  it("starts from what PostgreSQL told and leaves every question unanswered", () => {
    expect(initialAnswers(proposal)).toEqual({
      serviceId: "",
      name: "",
      description: "",
      replicas: [
        { name: "", host: "db1.example.com", port: "5432", database: "billing", region: "", replication: "" },
        { name: "billing-b", host: "db2.example.com", port: "5432", database: "billing", region: "", replication: "sync" },
      ],
      regions: [],
      datasets: [],
      noDatasets: false,
    });
  });

  it("makes the fleet document of a new service, its primary the first replica", () => {
    const result = completeProposal(proposal, answered(), known);
    expect(result).toEqual({
      ok: true,
      document: {
        version: 1,
        regions: [],
        services: [
          {
            id: "billing-db",
            name: "Billing",
            description: "",
            labels: {},
            engine: "postgresql",
            primary: "billing-a",
            datasets: [{ name: "invoices", ownerTeam: "billing", consistency: "strong", rpoSeconds: 0, rtoSeconds: 120 }],
            replicas: [
              { name: "billing-a", region: "aws:us-east-1", host: "db1.example.com", port: 5432, database: "billing", replication: "sync", promotionPriority: 100, noPromote: false, witnessOnly: false },
              { name: "billing-b", region: "aws:eu-west-1", host: "db2.example.com", port: 5432, database: "billing", replication: "sync", promotionPriority: 100, noPromote: false, witnessOnly: false },
            ],
          },
        ],
      },
    });
  });

  it("names every unanswered question at its path, and guesses none of them", () => {
    expect(problems(initialAnswers(proposal))).toEqual([
      { path: "services.0.id", message: "give the service an id" },
      { path: "services.0.name", message: "give the service a display name" },
      { path: "services.0.replicas.0.name", message: "give the replica's name (the application_name a PostgreSQL standby streams as, the report_host of a MariaDB replica)" },
      { path: "services.0.replicas.0.region", message: "choose the region the primary runs in" },
      { path: "services.0.replicas.0.replication", message: "choose whether the primary is a sync or async standby when another replica is primary" },
      { path: "services.0.replicas.1.region", message: "choose the region billing-b runs in" },
      { path: "services.0.datasets", message: "add the service's datasets, or say it has none: PostgreSQL cannot tell who owns the data or what losing some of it costs" },
    ]);
    // "None" is an answer only when given.
    expect(problems(answered((answers) => ((answers.datasets = []), (answers.noDatasets = true))))).toEqual([]);
  });

  it("refuses an id Switchyard manages already, and numbers that are not whole", () => {
    expect(
      problems(
        answered((answers) => {
          answers.serviceId = "orders-db";
          answers.datasets[0]!.rtoSeconds = "2 min";
        }),
      ),
    ).toEqual([
      { path: "services.0.id", message: "orders-db is a service Switchyard manages already: adding a service needs a new id (change orders-db on the Topology page)" },
      { path: "services.0.datasets.0.rtoSeconds", message: 'must be a whole number, not "2 min"' },
    ]);
  });

  it("adds the new regions a replica runs in, and refuses one known already, malformed, or unused", () => {
    const withRegion = answered((answers) => {
      answers.regions = [{ id: "azure:westeurope", jurisdiction: "EU", displayName: "Azure West Europe" }];
      answers.replicas[1]!.region = "azure:westeurope";
    });
    const result = completeProposal(proposal, withRegion, known);
    expect(result.ok && result.document.regions).toEqual([{ cloud: "azure", code: "westeurope", jurisdiction: "EU", displayName: "Azure West Europe" }]);
    expect(regionChoices([{ id: "aws:us-east-1", label: "AWS N. Virginia" }], withRegion).map((choice) => choice.label)).toEqual(["AWS N. Virginia", "azure:westeurope (new, EU)"]);

    const bad = answered((answers) => {
      answers.regions = [
        { id: "aws:us-east-1", jurisdiction: "US", displayName: "again" },
        { id: "Azure West", jurisdiction: "EU", displayName: "x" },
        { id: "gcp:asia-east1", jurisdiction: "eu", displayName: "Taiwan" },
      ];
    });
    expect(problems(bad)).toEqual([
      { path: "regions.0.id", message: "aws:us-east-1 is known already: choose it from the list instead" },
      { path: "regions.1.id", message: "Azure West must be cloud:code, lower-case letters, digits and inner dashes, e.g. azure:westeurope" },
      { path: "regions.2.id", message: "no replica runs in gcp:asia-east1: choose it for one, or remove it" },
      { path: "regions.2.jurisdiction", message: "must be an upper-case tag such as EU or US" },
    ]);
  });

  it("keeps what PostgreSQL told even when the answers say otherwise", () => {
    const result = completeProposal(proposal, answered((answers) => ((answers.replicas[1]!.host = "elsewhere"), (answers.replicas[1]!.replication = "async"))), known);
    expect(result.ok && result.document.services[0]!.replicas[1]).toMatchObject({ host: "db2.example.com", replication: "sync" });
  });
});
