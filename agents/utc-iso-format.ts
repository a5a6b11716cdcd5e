/**
 * `Date.prototype.toISOString` as V8 gives it, from the date's UTC fields.
 * V8's own formatter loads ICU's time zone data and code to answer it, though
 * the answer is in UTC: ~0.8 MB more of the node binary resident in every
 * agent, which formats a time in every report and log line (measured: the
 * binary's resident pages of a lab agent, 35.2 MB with V8's, 34.4 MB with
 * this; BENCHMARKS.md, "Agent footprint"). JSON.stringify of a Date goes
 * through it too (Date.prototype.toJSON calls toISOString).
 */
export function utcIsoString(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError("Invalid time value");
  const year = date.getUTCFullYear();
  const yyyy = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? "-" : "+"}${pad(Math.abs(year), 6)}`;
  return `${yyyy}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** For the agent's process only, before anything formats a time. */
export function installUtcIsoFormat(): void {
  Object.defineProperty(Date.prototype, "toISOString", {
    value: function toISOString(this: Date) {
      return utcIsoString(this);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
