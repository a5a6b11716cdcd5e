import { show, stringOption, type Command } from "../command";
import { word } from "../command-args";
import { parseKeyValues } from "../key-values";
import { renderPlan, renderRunbooks } from "../render/runbooks";

export const runbooksCommand: Command = {
  name: "runbooks",
  summary: "Runbooks with their parameters, and files that failed to load",
  usage: "runbooks",
  examples: ["switchyard runbooks"],
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listRunbooks"), renderRunbooks);
  },
};

export const planCommand: Command = {
  name: "plan",
  summary: "Dry run: every step with its targets, what each check says now, and blockers; changes nothing",
  usage: "plan <runbookId> name=value …",
  examples: ['switchyard plan planned-switchover service=orders-db to_region=aws:eu-west-1 reason="kernel patching"'],
  arity: [1, Infinity],
  async run(invocation) {
    const body = { params: parseKeyValues(invocation.args.slice(1)) };
    show(invocation, await invocation.client.call("planRunbook", { params: { id: word(invocation, 0) }, body }), renderPlan);
  },
};

export const runCommand: Command = {
  name: "run",
  summary: "Start a guided run of a runbook, or schedule it with --at, and print its id (follow it with `watch`)",
  usage: "run <runbookId> name=value … [--at <ISO time> [--in-window]]",
  examples: [
    'switchyard run planned-switchover service=orders-db to_region=aws:eu-west-1 reason="kernel patching"',
    'switchyard run planned-switchover service=orders-db to_region=aws:eu-west-1 reason="kernel patching" --at 2030-01-01T02:00:00Z --in-window',
  ],
  options: {
    at: { type: "string", description: "Start at this time (ISO 8601, e.g. 2030-01-01T02:00:00Z) instead of now; its pre-checks run again then, and scheduling confirms its manual steps" },
    "in-window": { type: "boolean", description: "With --at: start only inside one of the service policy's maintenance windows" },
  },
  arity: [1, Infinity],
  async run(invocation) {
    const scheduledAt = stringOption(invocation, "at");
    const inMaintenanceWindow = invocation.options["in-window"] === true;
    const body = { params: parseKeyValues(invocation.args.slice(1)), ...(scheduledAt ? { scheduledAt } : {}), ...(inMaintenanceWindow ? { inMaintenanceWindow } : {}) };
    const run = await invocation.client.call("startRun", { params: { id: word(invocation, 0) }, body });
    show(invocation, run, (value) =>
      value.status === "scheduled"
        ? `Scheduled run ${value.id} for ${value.scheduledAt}${value.inMaintenanceWindow ? " (inside a maintenance window only)" : ""}. Cancel it: switchyard cancel ${value.id} --reason <text>`
        : `Started run ${value.id} (${value.status}). Follow it: switchyard watch ${value.id}`,
    );
  },
};
