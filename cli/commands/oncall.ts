import { show, stringOption, stringsOption, type Command } from "../command";
import { word } from "../command-args";
import { renderAlertEscalation, renderPolicies, renderPolicy, renderSchedule, renderSchedules, renderServiceEscalation } from "../render/oncall";
import { UsageError } from "../usage-error";
import { parseLevel } from "./escalation-levels";

const required = (value: string | undefined, name: string) => {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
};

export const onCallCommand: Command = {
  name: "oncall",
  summary: "On-call schedules: who is on call now, the next handoff and gaps; with an id, one schedule's coverage",
  usage: "oncall [<scheduleId>] [--days <n>]",
  examples: ["switchyard oncall", "switchyard oncall clx1 --days 28"],
  options: { days: { type: "string", description: "How far ahead coverage is shown (1–90 days, default 14)" } },
  arity: [0, 1],
  async run(invocation) {
    const days = stringOption(invocation, "days");
    if (invocation.args.length) {
      show(invocation, await invocation.client.call("getOnCallSchedule", { params: { id: word(invocation, 0) }, query: { days } }), renderSchedule);
      return;
    }
    show(invocation, await invocation.client.call("listOnCallSchedules", { query: { days } }), renderSchedules);
  },
};

export const onCallScheduleCommand: Command = {
  name: "oncall-schedule",
  summary: "Create an on-call rotation: people taking over daily or weekly at a wall-clock time in a time zone",
  usage: "oncall-schedule <name> --person <email>… --zone <IANA zone> --start <YYYY-MM-DD> [--at HH:MM] [--daily]",
  examples: ["switchyard oncall-schedule database --person ada@example.com --person bob@example.com --zone Europe/Berlin --start 2026-12-07 --at 09:00"],
  options: {
    person: { type: "string", multiple: true, description: "A person's email, in rotation order; repeat for each" },
    zone: { type: "string", description: "The IANA time zone handoffs happen in, e.g. Europe/Berlin" },
    start: { type: "string", description: "The day of the first handoff, in that zone (a weekly rotation hands off on its weekday)" },
    at: { type: "string", description: "The handoff time in that zone (default 09:00)" },
    daily: { type: "boolean", description: "Hand off every day rather than every week" },
  },
  arity: [1, 1],
  async run(invocation) {
    const body = {
      name: word(invocation, 0),
      people: stringsOption(invocation, "person"),
      timeZone: required(stringOption(invocation, "zone"), "zone"),
      startDate: required(stringOption(invocation, "start"), "start"),
      handoffTime: stringOption(invocation, "at") ?? "09:00",
      period: invocation.options.daily === true ? ("daily" as const) : ("weekly" as const),
    };
    show(invocation, await invocation.client.call("createOnCallSchedule", { body }), renderSchedule);
  },
};

export const onCallOverrideCommand: Command = {
  name: "oncall-override",
  summary: "Have a person cover a range of a schedule instead of the rotation (audited)",
  usage: "oncall-override <scheduleId> --person <email> --from <ISO time> --until <ISO time> --reason <text>",
  examples: ['switchyard oncall-override clx1 --person bob@example.com --from 2026-12-24T18:00Z --until 2026-12-27T09:00Z --reason "covering the holidays"'],
  options: {
    person: { type: "string", description: "Who covers" },
    from: { type: "string", description: "Start, ISO 8601 with a zone (e.g. 2026-12-24T18:00Z)" },
    until: { type: "string", description: "End (excluded), ISO 8601 with a zone" },
    reason: { type: "string", description: "Why" },
  },
  arity: [1, 1],
  async run(invocation) {
    const body = {
      email: required(stringOption(invocation, "person"), "person"),
      startsAt: required(stringOption(invocation, "from"), "from"),
      endsAt: required(stringOption(invocation, "until"), "until"),
      reason: required(stringOption(invocation, "reason"), "reason"),
    };
    show(invocation, await invocation.client.call("createOnCallOverride", { params: { id: word(invocation, 0) }, body }), renderSchedule);
  },
};

export const escalationPoliciesCommand: Command = {
  name: "escalation-policies",
  summary: "Escalation policies with their levels and services, and the page severity",
  usage: "escalation-policies",
  examples: ["switchyard escalation-policies"],
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listEscalationPolicies"), renderPolicies);
  },
};

export const escalationPolicyCommand: Command = {
  name: "escalation-policy",
  summary: "Create an escalation policy: levels of people and schedules, each escalating after its timeout",
  usage: "escalation-policy <name> --level <minutes>:<email|schedule:id>,… [--level …] [--default]",
  examples: ["switchyard escalation-policy databases --level 5:ada@example.com --level 10:schedule:clx1,bob@example.com --default"],
  options: {
    level: { type: "string", multiple: true, description: "One level, in order: <minutes>:<email or schedule:id>,…" },
    default: { type: "boolean", description: "Page for every service without a policy of its own" },
  },
  arity: [1, 1],
  async run(invocation) {
    const body = { name: word(invocation, 0), isDefault: invocation.options.default === true, levels: stringsOption(invocation, "level").map(parseLevel) };
    show(invocation, await invocation.client.call("createEscalationPolicy", { body }), renderPolicy);
  },
};

export const assignEscalationCommand: Command = {
  name: "assign-escalation",
  summary: "Choose the escalation policy that pages for a service's critical alerts (`default` to fall back to the default policy)",
  usage: "assign-escalation <serviceId> <policyId|default>",
  examples: ["switchyard assign-escalation orders-db clx2", "switchyard assign-escalation orders-db default"],
  arity: [2, 2],
  async run(invocation) {
    const policy = word(invocation, 1);
    const answer = await invocation.client.call("assignEscalationPolicy", { params: { id: word(invocation, 0) }, body: { policyId: policy === "default" ? null : policy } });
    show(invocation, answer, renderServiceEscalation);
  },
};

export const pagingCommand: Command = {
  name: "paging",
  summary: "Whom an alert paged, level by level, with each page's delivery, and what escalation says of it now",
  usage: "paging <alertId>",
  examples: ["switchyard paging clx0abc"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("alertEscalation", { params: { id: word(invocation, 0) } }), renderAlertEscalation);
  },
};
