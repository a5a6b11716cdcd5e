import { show, stringOption, type Command } from "../command";
import { word } from "../command-args";
import { parseKeyValues } from "../key-values";
import { UsageError } from "../usage-error";
import { renderDrill, renderDrills, renderDrillSchedules } from "../render/drills";

const RUNBOOK_OPTION = { runbook: { type: "string" as const, description: "The runbook rehearsed (planned-switchover unless said)" } };

export const drillCommand: Command = {
  name: "drill",
  summary: "Start a drill: a run with a canary measuring observed RTO and lost writes against the datasets' budgets (confirm its run's steps as usual)",
  usage: "drill name=value … [--runbook <id>] [--switch-back]",
  examples: ['switchyard drill service=orders-db to_region=aws:eu-west-1 reason="quarterly rehearsal" --switch-back'],
  options: { ...RUNBOOK_OPTION, "switch-back": { type: "boolean", description: "Switch back to the current write region at the end" } },
  arity: [1, Infinity],
  async run(invocation) {
    const body = { params: parseKeyValues(invocation.args), switchBack: invocation.options["switch-back"] === true, runbook: stringOption(invocation, "runbook") };
    const drill = await invocation.client.call("startDrill", { body });
    show(invocation, drill, (value) =>
      value.status === "awaiting_approval"
        ? `Drill ${value.id} awaits a second person's approval (required by ${value.approval?.services.join(", ")}; expires ${value.approval?.expiresAt}): switchyard approve-drill ${value.id} --note <text>`
        : `Started drill ${value.id}; its run ${value.runId} asks for confirmation as usual (switchyard watch ${value.runId}). Report: switchyard show-drill ${value.id}`,
    );
  },
};

function decisionCommand(name: string, operation: "approveDrill" | "rejectDrill", summary: string, example: string): Command {
  return {
    name,
    summary,
    usage: `${name} <drillId> --note <text>`,
    examples: [example],
    options: { note: { type: "string", description: "Why (at least 3 characters; audited)" } },
    arity: [1, 1],
    async run(invocation) {
      const drill = await invocation.client.call(operation, { params: { id: word(invocation, 0) }, body: { note: stringOption(invocation, "note") } });
      show(invocation, drill, renderDrill);
    },
  };
}

export const drillDecisionCommands: Command[] = [
  decisionCommand("approve-drill", "approveDrill", "Approve a drill awaiting approval (not one you asked for): its run starts", 'switchyard approve-drill clx0drill --note "staging is quiet, go"'),
  decisionCommand("reject-drill", "rejectDrill", "Reject a drill awaiting approval: it ends and nothing starts", 'switchyard reject-drill clx0drill --note "not during the sale"'),
];

export const drillsCommand: Command = {
  name: "drills",
  summary: "Drills, newest first, with observed RTO and lost writes",
  usage: "drills [--service <serviceId>]",
  examples: ["switchyard drills --service orders-db"],
  options: { service: { type: "string", description: "Only this service's drills" } },
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listDrills", { query: { serviceId: stringOption(invocation, "service") } }), renderDrills);
  },
};

export const showDrillCommand: Command = {
  name: "show-drill",
  summary: "A drill's report: observed RTO and RPO, a verdict per dataset budget, step durations (exit 1 unless it passed)",
  usage: "show-drill <drillId>",
  examples: ["switchyard show-drill clx0drill"],
  arity: [1, 1],
  async run(invocation) {
    const drill = await invocation.client.call("getDrill", { params: { id: word(invocation, 0) } });
    show(invocation, drill, renderDrill);
    return drill.report?.passed ? 0 : 1;
  },
};

export const scheduleDrillCommand: Command = {
  name: "schedule-drill",
  summary: "Repeat a drill every N days (inside maintenance windows unless --any-time); failed or overdue drills raise alerts",
  usage: "schedule-drill name=value … --every-days <n> [--first-due <iso>] [--any-time] [--runbook <id>]",
  examples: ['switchyard schedule-drill service=orders-db to_region=aws:eu-west-1 reason="weekly rehearsal" --every-days 7'],
  options: {
    ...RUNBOOK_OPTION,
    "every-days": { type: "string", description: "Days between drills (1–365)" },
    "first-due": { type: "string", description: "When the first is due (ISO date-time; now unless said)" },
    "any-time": { type: "boolean", description: "Start when due even outside a maintenance window" },
  },
  arity: [1, Infinity],
  async run(invocation) {
    const every = stringOption(invocation, "every-days");
    if (every === undefined || !/^\d+$/.test(every)) throw new UsageError("--every-days: give a whole number of days");
    const body = {
      params: parseKeyValues(invocation.args),
      everyDays: Number(every),
      inMaintenanceWindow: invocation.options["any-time"] !== true,
      firstDueAt: stringOption(invocation, "first-due"),
      runbook: stringOption(invocation, "runbook"),
    };
    const schedule = await invocation.client.call("createDrillSchedule", { body });
    show(invocation, { schedules: [schedule] }, renderDrillSchedules);
  },
};

export const drillSchedulesCommand: Command = {
  name: "drill-schedules",
  summary: "Repeating drills, when each is next due and whether it is overdue",
  usage: "drill-schedules [--service <serviceId>]",
  examples: ["switchyard drill-schedules"],
  options: { service: { type: "string", description: "Only this service's schedules" } },
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listDrillSchedules", { query: { serviceId: stringOption(invocation, "service") } }), renderDrillSchedules);
  },
};

export const disableDrillScheduleCommand: Command = {
  name: "disable-drill-schedule",
  summary: "Stop a repeating drill (audited with the reason)",
  usage: "disable-drill-schedule <scheduleId> --reason <text>",
  examples: ['switchyard disable-drill-schedule clx0sched --reason "the service moves to a new platform"'],
  options: { reason: { type: "string", description: "Why (at least 3 characters; audited)" } },
  arity: [1, 1],
  async run(invocation) {
    const schedule = await invocation.client.call("disableDrillSchedule", { params: { id: word(invocation, 0) }, body: { reason: stringOption(invocation, "reason") } });
    show(invocation, { schedules: [schedule] }, renderDrillSchedules);
  },
};
