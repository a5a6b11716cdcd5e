import type { RunView } from "@/contracts/runs";
import { show, stringOption, type Command, type Invocation } from "../command";
import { word } from "../command-args";
import { FINISHED_RUN_STATUSES, renderRun, renderRuns, runChanges } from "../render/runs";

const POLL_MS = 1000;

export const runsCommand: Command = {
  name: "runs",
  summary: "Runs, newest first",
  usage: "runs [--service <serviceId>]",
  examples: ["switchyard runs", "switchyard runs --service orders-db"],
  options: { service: { type: "string", description: "Only this service's runs" } },
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listRuns", { query: { serviceId: stringOption(invocation, "service") } }), renderRuns);
  },
};

export const watchCommand: Command = {
  name: "watch",
  summary: "Follow a run every second, printing each state change, until it ends (exit 0 only if it succeeded)",
  usage: "watch <runId>",
  examples: ["switchyard watch clx0run && echo switched"],
  arity: [1, 1],
  async run(invocation) {
    const id = word(invocation, 0);
    let previous: RunView | null = null;
    for (;;) {
      const run: RunView = await invocation.client.call("getRun", { params: { id } });
      if (invocation.json) invocation.io.out(JSON.stringify(run));
      else for (const line of runChanges(previous, run, invocation.io.now())) invocation.io.out(line);
      if (FINISHED_RUN_STATUSES.has(run.status)) return run.status === "succeeded" ? 0 : 1;
      previous = run;
      await invocation.io.sleep(POLL_MS);
    }
  },
};

export const showRunCommand: Command = {
  name: "show-run",
  summary: "A run with each step's state, timings and decisions",
  usage: "show-run <runId>",
  examples: ["switchyard show-run clx0run"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("getRun", { params: { id: word(invocation, 0) } }), renderRun);
  },
};

type StepDecision = "confirmStep" | "approveStep" | "rejectStep";

function stepCommand(name: string, operation: StepDecision, summary: string, example: string): Command {
  return {
    name,
    summary,
    usage: `${name} <runId> <stepId> [--note <text>]`,
    examples: [example],
    options: { note: { type: "string", description: "Recorded with the decision" } },
    arity: [2, 2],
    async run(invocation: Invocation) {
      const params = { id: word(invocation, 0), stepId: word(invocation, 1) };
      const run = await invocation.client.call(operation, { params, body: { note: stringOption(invocation, "note") } });
      show(invocation, run, renderRun);
    },
  };
}

type RunControl = "pauseRun" | "resumeRun" | "abortRun" | "cancelRun";

function controlCommand(name: string, operation: RunControl, summary: string, example: string): Command {
  return {
    name,
    summary,
    usage: `${name} <runId> --reason <text>`,
    examples: [example],
    options: { reason: { type: "string", description: "Why (at least 3 characters; audited)" } },
    arity: [1, 1],
    async run(invocation: Invocation) {
      const run = await invocation.client.call(operation, { params: { id: word(invocation, 0) }, body: { reason: stringOption(invocation, "reason") } });
      show(invocation, run, renderRun);
    },
  };
}

export const stepCommands: Command[] = [
  stepCommand("confirm", "confirmStep", "Confirm a manual step that is waiting", 'switchyard confirm clx0run confirm-switchover --note "traffic drained"'),
  stepCommand("approve", "approveStep", "Approve an approval step (not your own run)", 'switchyard approve clx0run approve-override --note "lag is acceptable"'),
  stepCommand("reject", "rejectStep", "Reject an approval step; the run fails", 'switchyard reject clx0run approve-override --note "too much lag"'),
  controlCommand("pause", "pauseRun", "Pause a run: no further step starts", 'switchyard pause clx0run --reason "checking the replica by hand"'),
  controlCommand("resume", "resumeRun", "Resume a paused run", 'switchyard resume clx0run --reason "replica checked"'),
  controlCommand("abort", "abortRun", "Abort a run; registered compensations run in reverse", 'switchyard abort clx0run --reason "wrong target"'),
  controlCommand("cancel", "cancelRun", "Cancel a scheduled run before its time", 'switchyard cancel clx0run --reason "the provider moved its maintenance"'),
];
