import { stringsOption, type Invocation } from "./command";
import { UsageError } from "./usage-error";

/** The n-th word after the command; the command's arity has already made sure it is there. */
export function word(invocation: Invocation, index: number): string {
  const value = invocation.args[index];
  if (value === undefined) throw new UsageError(`missing argument ${index + 1}`);
  return value;
}

/** `--label tier=critical --label team=checkout` → `{ tier: "critical", team: "checkout" }`; undefined when none is given. */
export function labelsOf(invocation: Invocation): Record<string, string> | undefined {
  const pairs = stringsOption(invocation, "label").map((text) => {
    const at = text.indexOf("=");
    if (at <= 0) throw new UsageError(`--label ${text}: write it as <key>=<value>`);
    return [text.slice(0, at), text.slice(at + 1)] as const;
  });
  return pairs.length ? Object.fromEntries(pairs) : undefined;
}
