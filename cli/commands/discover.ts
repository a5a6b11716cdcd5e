import { writeFile } from "node:fs/promises";
import { show, stringOption, stringsOption, type Command } from "../command";
import { renderDiscoverySummary, renderProposalYaml } from "../render/discovery";
import { UsageError } from "../usage-error";

export const discoverCommand: Command = {
  name: "discover",
  summary:
    "Read a running PostgreSQL cluster (from its primary) or MariaDB topology (from any member) through a monitoring role and propose its topology as fleet.yaml, with the questions to answer first",
  usage: "discover --primary <url> [--standby <url>]… [--service <id>] [--name <name>] [-o <file>]",
  examples: [
    "switchyard discover --primary postgresql://switchyard_discovery@db1.example.com/orders -o fleet.yaml",
    'switchyard discover --primary "$PRIMARY_URL" --standby "$EU_URL" --standby "$US_URL" --service orders-db --name Orders -o fleet.yaml',
    "switchyard discover --primary mariadb://switchyard_discovery@db2.example.com:3306/sessions --service sessions-db -o fleet.yaml",
  ],
  options: {
    primary: {
      type: "string",
      description:
        "The primary's URL, with a role in pg_monitor (no superuser needed); for MariaDB any member's mariadb:// URL, with SLAVE MONITOR and REPLICATION MASTER ADMIN",
    },
    standby: { type: "string", multiple: true, description: "A standby's (replica's) URL, to fill in its endpoint and cross-check it; repeat for each" },
    service: { type: "string", description: "The service id to propose" },
    name: { type: "string", description: "The service's display name" },
    output: { type: "string", short: "o", description: "Write the proposal to this file (stdout otherwise) and print the questions" },
  },
  arity: [0, 0],
  async run(invocation) {
    const primaryUrl = stringOption(invocation, "primary");
    if (!primaryUrl) throw new UsageError("--primary <url> is required");
    const body = {
      primaryUrl,
      standbyUrls: stringsOption(invocation, "standby"),
      serviceId: stringOption(invocation, "service"),
      name: stringOption(invocation, "name"),
    };
    const result = await invocation.client.call("discoverTopology", { body });
    const output = stringOption(invocation, "output");
    if (output) await writeFile(output, renderProposalYaml(result));
    show(invocation, result, output ? (value) => renderDiscoverySummary(value, output) : (value) => renderProposalYaml(value).trimEnd());
  },
};
