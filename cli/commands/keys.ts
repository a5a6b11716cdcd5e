import { show, stringOption, type Command } from "../command";
import { renderCommandKeys } from "../render/command-keys";
import { UsageError } from "../usage-error";

function reason(invocation: Parameters<Command["run"]>[0], action: string): string {
  const text = stringOption(invocation, "reason");
  if (!text) throw new UsageError(`keys ${action} needs --reason "…" (it goes into the audit trail)`);
  return text;
}

export const keysCommand: Command = {
  name: "keys",
  summary: "The command keys agents verify commands with; rotate, complete or cancel a rotation (admins, audited)",
  usage: "keys | keys rotate --reason <text> | keys complete --reason <text> [--force] | keys cancel --reason <text>",
  examples: [
    "switchyard keys",
    'switchyard keys rotate --reason "yearly rotation"',
    'switchyard keys complete --reason "every agent confirmed"',
    'switchyard keys cancel --reason "started by mistake"',
  ],
  options: {
    reason: { type: "string", description: "Why, for the audit trail (rotate, complete, cancel)" },
    force: { type: "boolean", description: "complete: retire the old key although some active agents have not confirmed the next one" },
  },
  arity: [0, 1],
  async run(invocation) {
    const [action = "status"] = invocation.args;
    const client = invocation.client;
    if (action === "status") show(invocation, await client.call("commandKeyStatus", {}), renderCommandKeys);
    else if (action === "rotate") show(invocation, await client.call("startKeyRotation", { body: { reason: reason(invocation, action) } }), renderCommandKeys);
    else if (action === "complete") {
      const body = { reason: reason(invocation, action), force: invocation.options.force === true };
      show(invocation, await client.call("completeKeyRotation", { body }), renderCommandKeys);
    } else if (action === "cancel") show(invocation, await client.call("cancelKeyRotation", { body: { reason: reason(invocation, action) } }), renderCommandKeys);
    else throw new UsageError(`unknown action "${action}"; use rotate, complete or cancel (or nothing, for the status)`);
  },
};
