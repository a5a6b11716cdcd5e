/** A command line the lab's CLI cannot use: exit code 2 and the usage text. */
export class UsageError extends Error {}

export function argument(args: readonly string[], index: number, what: string): string {
  const value = args[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

export function positiveNumber(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${what} must be a positive number, not "${text}"`);
  return value;
}

/** A number in [min, max]; `integer` refuses fractions. */
export function numberWithin(text: string, what: string, min: number, max: number, integer = false): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${what} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

/** `workload [rate] [--through haproxy]`, in either order. */
export function workloadArguments(args: readonly string[], defaultRate: number): { rate: number; through: "haproxy" | null } {
  let rate: number | null = null;
  let through: "haproxy" | null = null;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const value = arg.startsWith("--through=") ? arg.slice("--through=".length) : arg === "--through" ? args[++index] : null;
    if (value !== null) {
      if (value !== "haproxy") throw new UsageError(`--through takes haproxy, not "${value ?? ""}" (leave it out to follow the write route)`);
      through = "haproxy";
    } else if (rate === null && !arg.startsWith("-")) rate = positiveNumber(arg, "rate");
    else throw new UsageError(`workload: unexpected argument "${arg}"`);
  }
  return { rate: rate ?? defaultRate, through };
}
