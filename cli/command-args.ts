import type { Invocation } from "./command";
import { UsageError } from "./usage-error";

/** The n-th word after the command; the command's arity has already made sure it is there. */
export function word(invocation: Invocation, index: number): string {
  const value = invocation.args[index];
  if (value === undefined) throw new UsageError(`missing argument ${index + 1}`);
  return value;
}
