import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { fleetDocumentSchema, type FleetDocument } from "@/contracts/topology";
import { show, stringOption, type Command, type Invocation } from "../command";
import { word } from "../command-args";
import { renderApplied, renderTopologyPlan } from "../render/topology";
import { UsageError } from "../usage-error";

/** The fleet document in `--file`: YAML (JSON is YAML too), checked by the same contract the server checks it with. */
async function readFleetDocument(invocation: Invocation): Promise<FleetDocument> {
  const file = stringOption(invocation, "file");
  if (!file) throw new UsageError("name the fleet document with -f <file>");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = fleetDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`);
  }
  return parsed.data;
}

export const applyCommand: Command = {
  name: "apply",
  summary: "Apply a fleet document (YAML): refused whole if it breaks a rule; what can alter a failover opens change requests",
  usage: "apply -f <fleet.yaml> --reason <text> | apply -f <fleet.yaml> --dry-run",
  examples: ["switchyard apply -f fleet.yaml --dry-run", 'switchyard apply -f fleet.yaml --reason "add the Frankfurt standby"'],
  options: {
    file: { type: "string", short: "f", description: "The fleet document (YAML or JSON)" },
    reason: { type: "string", description: "Why, for the audit trail and the approvers (at least 3 characters)" },
    "dry-run": { type: "boolean", description: "Only show what applying would do (every change, how it is applied, any rule broken); write nothing" },
  },
  arity: [0, 0],
  async run(invocation) {
    const document = await readFleetDocument(invocation);
    if (invocation.options["dry-run"] === true) {
      const plan = await invocation.client.call("planTopology", { body: { document } });
      show(invocation, plan, renderTopologyPlan);
      return plan.acceptable ? 0 : 1;
    }
    const reason = stringOption(invocation, "reason");
    if (!reason) throw new UsageError("say why with --reason <text> (or look first with --dry-run)");
    show(invocation, await invocation.client.call("applyTopology", { body: { document, reason } }), renderApplied);
  },
};

export const exportCommand: Command = {
  name: "export",
  summary: "The live topology as a fleet document on stdout: applying it back changes nothing",
  usage: "export [--format yaml|json]",
  examples: ["switchyard export > fleet.yaml", "switchyard export --format json | jq '.services[].replicas[].name'"],
  options: { format: { type: "string", description: "yaml (default) or json" } },
  arity: [0, 0],
  async run(invocation) {
    const format = stringOption(invocation, "format") ?? "yaml";
    if (format !== "yaml" && format !== "json") throw new UsageError(`--format is yaml or json, not ${format}`);
    if (format === "json" || invocation.json) {
      invocation.io.out(JSON.stringify(await invocation.client.call("exportTopology", { query: { format: "json" } }), null, 2));
      return;
    }
    await invocation.client.stream("exportTopology", { query: { format } }, (chunk) => invocation.io.outBytes(chunk));
  },
};

/** What `retire` retires, and the operation that does it. */
const RETIRABLE = { service: "retireService", region: "retireRegion" } as const;

export const retireCommand: Command = {
  name: "retire",
  summary: "Retire a service (a change request once it has had agents) or a region nothing lives in (admins; audited, history kept)",
  usage: "retire service|region <id> --reason <text>",
  examples: [
    'switchyard retire service billing-db --reason "moved to the new platform"',
    'switchyard retire region azure:northeurope --reason "we left this region"',
  ],
  options: { reason: { type: "string", description: "Why, for the audit trail and the approvers (at least 3 characters)" } },
  arity: [2, 2],
  async run(invocation) {
    const kind = word(invocation, 0);
    if (kind !== "service" && kind !== "region") throw new UsageError(`retire what? service or region, not ${kind}`);
    const reason = stringOption(invocation, "reason");
    if (!reason) throw new UsageError("say why with --reason <text>");
    show(invocation, await invocation.client.call(RETIRABLE[kind], { params: { id: word(invocation, 1) }, body: { reason } }), renderApplied);
  },
};
