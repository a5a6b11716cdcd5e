import { show, type Command } from "../command";
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
  summary: "Start a guided run of a runbook and print its id (follow it with `watch`)",
  usage: "run <runbookId> name=value …",
  examples: ['switchyard run planned-switchover service=orders-db to_region=aws:eu-west-1 reason="kernel patching"'],
  arity: [1, Infinity],
  async run(invocation) {
    const body = { params: parseKeyValues(invocation.args.slice(1)) };
    const run = await invocation.client.call("startRun", { params: { id: word(invocation, 0) }, body });
    show(invocation, run, (value) => `Started run ${value.id} (${value.status}). Follow it: switchyard watch ${value.id}`);
  },
};
