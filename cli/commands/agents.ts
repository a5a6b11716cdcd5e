import { ENROLLMENT_TOKEN_LIFETIME } from "@/contracts/enrollment";
import { show, stringOption, type Command, type Invocation } from "../command";
import { word } from "../command-args";
import { renderEnrollmentToken } from "../render/agents";
import { UsageError } from "../usage-error";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90m`, `1h`, `7d` or plain seconds. */
export function lifetimeSeconds(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--expires-in ${text}: must be a duration like 30m, 1h or 7d`);
  return Number(match[1]) * UNIT_SECONDS[match[2] || "s"]!;
}

/** A replica id, or `<service>/<replica name>` looked up in the service. */
async function replicaId(invocation: Invocation, ref: string): Promise<string> {
  const slash = ref.indexOf("/");
  if (slash < 0) return ref;
  const [serviceId, name] = [ref.slice(0, slash), ref.slice(slash + 1)];
  const service = await invocation.client.call("getService", { params: { id: serviceId } });
  const replica = service.replicas.find((candidate) => candidate.name === name);
  if (!replica) throw new UsageError(`service ${serviceId} has no replica named ${name} (it has ${service.replicas.map((candidate) => candidate.name).join(", ")})`);
  return replica.id;
}

export const enrollTokenCommand: Command = {
  name: "enroll-token",
  summary: "Issue a single-use token that enrolls a replica's agent (admins; shown once, audited)",
  usage: "enroll-token <service>/<replica> | <replicaId> [--expires-in 1h]",
  examples: ["switchyard enroll-token orders-db/pg-eu-west-1", "switchyard enroll-token orders-db/pg-eu-west-1 --expires-in 30m --json | jq -r .token"],
  options: { "expires-in": { type: "string", description: `How long it stays usable: 30m, 1h (the default), at most ${ENROLLMENT_TOKEN_LIFETIME.maxSeconds / 86_400}d` } },
  arity: [1, 1],
  async run(invocation) {
    const expires = stringOption(invocation, "expires-in");
    const body = expires === undefined ? {} : { expiresInSeconds: lifetimeSeconds(expires) };
    const issued = await invocation.client.call("issueEnrollmentToken", { params: { id: await replicaId(invocation, word(invocation, 0)) }, body });
    show(invocation, issued, (value) => renderEnrollmentToken(value, invocation.client.connection.baseUrl));
  },
};
