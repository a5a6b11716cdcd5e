import { UsageError } from "./usage-error";

/**
 * Runbook parameters as `name=value` words; the value keeps any later `=` and
 * may be empty, since the runbook (not the CLI) decides what is valid.
 */
export function parseKeyValues(words: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf("=");
    if (at <= 0) throw new UsageError(`"${word}" is not a parameter: write name=value, e.g. service=orders-db`);
    const name = word.slice(0, at);
    if (name in params) throw new UsageError(`parameter ${name} is given twice`);
    params[name] = word.slice(at + 1);
  }
  return params;
}
