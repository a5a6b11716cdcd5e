import { show, stringOption, type Command, type Invocation } from "../command";
import { labelsOf, word } from "../command-args";
import { renderSilence, renderSilences } from "../render/silences";
import { UsageError } from "../usage-error";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The silence's end: `--until` as given, or `--for` (30m, 2h, 7d) after its start; none when neither is given (the API refuses it, naming endsAt). */
export function endsAtOf(invocation: Invocation): string | undefined {
  const until = stringOption(invocation, "until");
  const duration = stringOption(invocation, "for");
  if (until !== undefined && duration !== undefined) throw new UsageError("give --for or --until, not both");
  if (duration === undefined) return until;
  const match = /^(\d+)([mhd])$/.exec(duration.trim());
  if (!match) throw new UsageError(`--for ${duration}: must be a duration like 30m, 2h or 7d`);
  const from = stringOption(invocation, "from");
  const start = from !== undefined && !Number.isNaN(Date.parse(from)) ? new Date(from) : invocation.io.now();
  return new Date(start.getTime() + Number(match[1]) * UNIT_MS[match[2]!]!).toISOString();
}

export const silencesCommand: Command = {
  name: "silences",
  summary: "Silences active or about to start, with the alerts each mutes now, and the latest ended",
  usage: "silences",
  examples: ["switchyard silences", "switchyard silences --json"],
  arity: [0, 0],
  async run(invocation) {
    show(invocation, await invocation.client.call("listSilences", {}), renderSilences);
  },
};

export const silenceCommand: Command = {
  name: "silence",
  summary: "Silence alerts by service, rule and/or labels, with a reason and an end at most 30 days away (audited); they are still recorded and audited, but not sent to webhooks",
  usage: "silence [--service <id>] [--rule <ruleId>] [--label <key=value>]… (--for <30m|2h|7d> | --until <ISO time>) [--from <ISO time>] --reason <text>",
  examples: [
    'switchyard silence --service orders-db --rule replica-unreachable --for 2h --reason "rebuilding the europe-west3 host"',
    'switchyard silence --label tier=critical --until 2026-12-08T06:00:00Z --reason "provider network maintenance"',
  ],
  options: {
    service: { type: "string", description: "Only this service's alerts" },
    rule: { type: "string", description: "Only this rule's alerts (see `switchyard alerts --json` for rule ids)" },
    label: { type: "string", multiple: true, description: "Only alerts of services with this label (key=value; all of them when repeated)" },
    for: { type: "string", description: "How long from its start: 30m, 2h, 7d (at most 30d)" },
    until: { type: "string", description: "When it ends (ISO 8601 with a zone)" },
    from: { type: "string", description: "When it starts (ISO 8601 with a zone); now unless given" },
    reason: { type: "string", description: "Why (at least 3 characters; audited)" },
  },
  arity: [0, 0],
  async run(invocation) {
    const labels = labelsOf(invocation);
    const body = {
      serviceId: stringOption(invocation, "service"),
      ruleId: stringOption(invocation, "rule"),
      ...(labels ? { labels } : {}),
      startsAt: stringOption(invocation, "from"),
      endsAt: endsAtOf(invocation),
      reason: stringOption(invocation, "reason"),
    };
    show(invocation, await invocation.client.call("createSilence", { body }), renderSilence);
  },
};

export const expireSilenceCommand: Command = {
  name: "expire-silence",
  summary: "Expire a silence before its end (audited); alerts it muted that still fire are announced",
  usage: "expire-silence <silenceId>",
  examples: ["switchyard expire-silence clx0abc"],
  arity: [1, 1],
  async run(invocation) {
    show(invocation, await invocation.client.call("expireSilence", { params: { id: word(invocation, 0) } }), renderSilence);
  },
};
