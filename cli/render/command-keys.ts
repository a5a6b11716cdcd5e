import type { CommandKeyStatus } from "@/contracts/command-keys";
import { table, utc } from "../format";

export function renderCommandKeys(status: CommandKeyStatus): string {
  const keys = [status.current, ...(status.next ? [status.next] : []), ...status.retired];
  const lines = [
    table(
      ["STATE", "KEY ID (FINGERPRINT)", "CREATED", "SIGNING SINCE", "RETIRED"],
      keys.map((key) => [key.state, key.id, utc(key.createdAt), utc(key.activatedAt), utc(key.retiredAt)]),
    ),
    "",
  ];
  if (status.next) {
    const waiting = status.agents.filter((agent) => !agent.confirmed);
    lines.push(
      `Rotation in progress (statement ${status.generation}): agents trust ${status.current.id} and ${status.next.id}.`,
      waiting.length === 0
        ? "Every active agent confirmed the next key: complete it with `switchyard keys complete --reason …`."
        : `${waiting.length} of ${status.agents.length} active agents have not confirmed the next key yet: ${waiting.map((agent) => agent.name).join(", ")}.`,
    );
  } else {
    lines.push(`No rotation in progress; ${status.agents.length} active agents. Start one with \`switchyard keys rotate --reason …\`.`);
  }
  const ahead = status.agents.filter((agent) => agent.generation !== null && agent.generation > status.generation);
  if (ahead.length > 0) {
    lines.push(
      `Warning: ${ahead.map((agent) => `${agent.name} (statement ${agent.generation})`).join(", ")} report a key statement newer than any this control plane issued ` +
        "(the store was restored to before a rotation, or someone else handed them one): they may trust a key this control plane does not hold; enroll them again.",
    );
  }
  return lines.join("\n");
}
