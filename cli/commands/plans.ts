import type { PlanView } from "@/contracts/plans";
import { show, stringOption, stringsOption, type Command, type Invocation } from "../command";
import { labelsOf, word } from "../command-args";
import { FINISHED_PLAN_STATUSES, planChanges, renderPlanDryRun, renderPlans, renderPlanView } from "../render/plans";
import { plural } from "../format";
import { UsageError } from "../usage-error";

const POLL_MS = 1000;

/** `--after orders-history:orders-db,payments-db` → orders-history waits for orders-db and payments-db. */
function dependencies(invocation: Invocation) {
  return stringsOption(invocation, "after").map((text) => {
    const [service, before] = text.split(":");
    if (!service || !before) throw new UsageError(`--after ${text}: write it as <service>:<service it waits for>[,<another>]`);
    return { service, after: before.split(",").filter(Boolean) };
  });
}

function concurrency(invocation: Invocation): number | undefined {
  const text = stringOption(invocation, "concurrency");
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--concurrency ${text}: give a whole number of services moving at once`);
  return Number(text);
}

export const evacuateCommand: Command = {
  name: "evacuate",
  summary: "Move every write role out of a region: one run per service, in order; --dry-run shows each service's target, checks and blockers first",
  usage:
    "evacuate <regionId> --reason <text> [--service <id>… | --label <key=value>…] [--group <id,id>]… [--after <id>:<id,id>]… [--concurrency <n>] [--continue-on-failure] [--failover] [--at <ISO time>] [--in-window] [--drill [--switch-back]] [--dry-run]",
  examples: [
    'switchyard evacuate aws:us-east-1 --reason "provider maintenance" --dry-run',
    'switchyard evacuate aws:us-east-1 --reason "regional incident" --failover --label tier=critical --continue-on-failure',
    'switchyard evacuate aws:us-east-1 --reason "provider maintenance" --group orders-db --group payments-db --concurrency 2',
    'switchyard evacuate aws:us-east-1 --reason "kernel patching" --after orders-history:orders-db --at 2026-12-05T02:00:00Z --in-window',
    'switchyard evacuate aws:us-east-1 --reason "quarterly region drill" --drill --switch-back',
  ],
  options: {
    reason: { type: "string", description: "Why (at least 5 characters; audited, and the reason of every run)" },
    service: { type: "string", multiple: true, description: "A service in scope (default: every service whose primary is in the region)" },
    label: { type: "string", multiple: true, description: "Instead of --service: every service with this label (key=value; all of them when repeated) whose primary is in the region" },
    group: { type: "string", multiple: true, description: "Services moved together, comma-separated; each group starts once the one before has moved" },
    after: { type: "string", multiple: true, description: "<service>:<services it waits for>, comma-separated" },
    concurrency: { type: "string", description: "How many services move at once (default 1)" },
    "continue-on-failure": { type: "boolean", description: "Go on with services that do not wait for one that failed (default: stop)" },
    failover: { type: "boolean", description: "The region is lost: unplanned failover instead of switchover" },
    at: { type: "string", description: "Start at this time instead of now (ISO 8601 with a zone, e.g. 2026-12-05T02:00:00Z)" },
    "in-window": { type: "boolean", description: "With --at: start only inside a maintenance window of every service" },
    "dry-run": { type: "boolean", description: "Only plan: change nothing" },
    drill: { type: "boolean", description: "Run the plan as a drill: each child run is a drill measured against its budgets (waits for one approval when a service's policy requires it)" },
    "switch-back": { type: "boolean", description: "With --drill: switch each service back to the region once its drill's run succeeded" },
  },
  arity: [1, 1],
  async run(invocation) {
    const drill = invocation.options.drill === true;
    if (invocation.options["switch-back"] === true && !drill) throw new UsageError("--switch-back: only with --drill");
    const groups = stringsOption(invocation, "group").map((text) => text.split(",").filter(Boolean));
    const services = stringsOption(invocation, "service");
    const labels = labelsOf(invocation);
    const body = {
      regionId: word(invocation, 0),
      reason: stringOption(invocation, "reason"),
      mode: invocation.options.failover === true ? "failover" : "switchover",
      ...(services.length ? { services } : {}),
      ...(labels ? { labels } : {}),
      order: { ...(groups.length ? { groups } : {}), ...(invocation.options.after ? { dependencies: dependencies(invocation) } : {}) },
      concurrency: concurrency(invocation),
      failurePolicy: invocation.options["continue-on-failure"] === true ? "continue" : "stop",
      scheduledAt: stringOption(invocation, "at"),
      inMaintenanceWindow: invocation.options["in-window"] === true,
      dryRun: invocation.options["dry-run"] === true,
      ...(drill ? { drill: { switchBack: invocation.options["switch-back"] === true } } : {}),
    };
    const answer = await invocation.client.call("createPlan", { body });
    if ("snapshotAt" in answer) return show(invocation, answer, renderPlanDryRun);
    show(invocation, answer, (plan) => {
      const started = plan.status === "awaiting_approval" ? "Asked for approval of plan drill" : `${plan.status === "scheduled" ? "Scheduled" : "Started"} ${plan.drill ? "plan drill" : "plan"}`;
      const approval = plan.drill?.approval ? ` It waits for a second person: switchyard approve-plan ${plan.id} --note <text> (expires ${plan.drill.approval.expiresAt}).` : "";
      return `${started} ${plan.id} (${plural(plan.services.length, "service")}).${approval} Follow it: switchyard watch-plan ${plan.id}`;
    });
  },
};

export const plansCommand: Command = {
  name: "plans",
  summary: "Region evacuation plans, newest first",
  usage: "plans",
  examples: ["switchyard plans"],
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listPlans", { query: {} }), renderPlans);
  },
};

export const showPlanCommand: Command = {
  name: "show-plan",
  summary: "A plan with every service's state, its run and why",
  usage: "show-plan <planId>",
  examples: ["switchyard show-plan clx0plan"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("getPlan", { params: { id: word(invocation, 0) } }), renderPlanView);
  },
};

export const watchPlanCommand: Command = {
  name: "watch-plan",
  summary: "Follow a plan every second, printing each change, until it ends (exit 0 only if it succeeded; a plan drill, only once every child drill passed)",
  usage: "watch-plan <planId>",
  examples: ["switchyard watch-plan clx0plan && echo evacuated"],
  arity: [1, 1],
  async run(invocation) {
    const id = word(invocation, 0);
    let previous: PlanView | null = null;
    for (;;) {
      const plan: PlanView = await invocation.client.call("getPlan", { params: { id } });
      if (invocation.json) invocation.io.out(JSON.stringify(plan));
      else for (const line of planChanges(previous, plan, invocation.io.now())) invocation.io.out(line);
      // A plan drill is over once its result is known (its children's switch backs and reports come after the plan's own end).
      if (plan.drill && plan.drill.result !== "pending") return plan.drill.result === "passed" ? 0 : 1;
      if (!plan.drill && FINISHED_PLAN_STATUSES.has(plan.status)) return plan.status === "succeeded" ? 0 : 1;
      previous = plan;
      await invocation.io.sleep(POLL_MS);
    }
  },
};

type PlanControl = "pausePlan" | "resumePlan" | "abortPlan" | "cancelPlan";

function controlCommand(name: string, operation: PlanControl, summary: string, example: string): Command {
  return {
    name,
    summary,
    usage: `${name} <planId> --reason <text>`,
    examples: [example],
    options: { reason: { type: "string", description: "Why (at least 3 characters; audited)" } },
    arity: [1, 1],
    async run(invocation: Invocation) {
      const plan = await invocation.client.call(operation, { params: { id: word(invocation, 0) }, body: { reason: stringOption(invocation, "reason") } });
      show(invocation, plan, renderPlanView);
    },
  };
}

function decisionCommand(name: string, operation: "approvePlan" | "rejectPlan", summary: string, example: string): Command {
  return {
    name,
    summary,
    usage: `${name} <planId> --note <text>`,
    examples: [example],
    options: { note: { type: "string", description: "Why (at least 3 characters; audited)" } },
    arity: [1, 1],
    async run(invocation: Invocation) {
      const plan = await invocation.client.call(operation, { params: { id: word(invocation, 0) }, body: { note: stringOption(invocation, "note") } });
      show(invocation, plan, renderPlanView);
    },
  };
}

export const planControlCommands: Command[] = [
  controlCommand("pause-plan", "pausePlan", "Pause a plan: no service starts moving and the runs under way pause", 'switchyard pause-plan clx0plan --reason "checking orders-db by hand"'),
  controlCommand("resume-plan", "resumePlan", "Resume a paused plan and its runs", 'switchyard resume-plan clx0plan --reason "checked"'),
  controlCommand("abort-plan", "abortPlan", "Abort a plan: services not started are cancelled, runs under way aborted", 'switchyard abort-plan clx0plan --reason "maintenance postponed"'),
  controlCommand("cancel-plan", "cancelPlan", "Cancel a scheduled plan (or a plan drill awaiting approval) before it starts", 'switchyard cancel-plan clx0plan --reason "not tonight"'),
  decisionCommand("approve-plan", "approvePlan", "Approve a plan drill awaiting approval (not your own): its services start", 'switchyard approve-plan clx0plan --note "quiet weekend, go"'),
  decisionCommand("reject-plan", "rejectPlan", "Reject a plan drill awaiting approval: it ends, no service moves", 'switchyard reject-plan clx0plan --note "not during the sale"'),
];
