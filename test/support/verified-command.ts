import { COMMAND_ARGS, type AgentCommandKind } from "@/contracts/agent-commands";
import type { VerifiedCommand } from "@/agents/commands/verify-command";

let nextId = 0;

/** A command as verification would hand it to an executor: its kind's arguments parsed, defaults filled in, epoch 1. */
export function verifiedCommand<K extends AgentCommandKind>(kind: K, args: Record<string, unknown>, target: { serviceId: string; replica: string }): VerifiedCommand {
  const id = `cmd-${++nextId}`;
  const now = Math.floor(Date.now() / 1000);
  return {
    id,
    kind,
    args: COMMAND_ARGS[kind].parse(args),
    claims: { iss: "switchyard", aud: "agent", jti: id, iat: now, exp: now + 300, kind, args, serviceId: target.serviceId, replica: target.replica, epoch: 1 },
  } as VerifiedCommand;
}
