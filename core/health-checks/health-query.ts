import * as z from "zod/mini";

/**
 * The query parameters the health endpoints take, as Patroni spells them:
 * `lag` (bytes, or with PostgreSQL's units: `16MB`, `64kB`) and
 * `max_lag_seconds`. A parameter that does not parse, is given twice, or is
 * not one of these is refused (400) rather than ignored: a load balancer
 * whose limit is silently dropped would route reads to a standby of any lag.
 */
export interface HealthQuery {
  maxLagBytes: number | null;
  maxLagSeconds: number | null;
}

export const NO_LIMITS: HealthQuery = { maxLagBytes: null, maxLagSeconds: null };

/** PostgreSQL's memory units, which Patroni's `lag` takes: powers of 1024. */
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

const lagBytes = z
  .pipe(
    z.string().check(z.regex(/^\d+\s*(B|kB|MB|GB|TB)?$/i, { error: 'must be a number of bytes, or one with a unit of B, kB, MB, GB or TB ("16MB")' })),
    z.transform((text: string) => {
      const [, digits, unit] = /^(\d+)\s*([a-z]*)$/i.exec(text)!;
      return Number(digits) * UNITS[(unit || "b").toLowerCase()]!;
    }),
  )
  .check(z.refine(Number.isSafeInteger, { error: "is too large" }));

const lagSeconds = z.pipe(z.string().check(z.regex(/^\d+(\.\d+)?$/, { error: 'must be a number of seconds, at least 0 ("5", "0.5")' })), z.transform(Number));

const PARAMETERS = { lag: lagBytes, max_lag_seconds: lagSeconds } as const;

export type HealthQueryResult = { ok: true; query: HealthQuery } | { ok: false; parameter: string; message: string };

export function parseHealthQuery(params: URLSearchParams): HealthQueryResult {
  const known = Object.keys(PARAMETERS);
  const values: Partial<Record<keyof typeof PARAMETERS, number>> = {};
  for (const name of new Set(params.keys())) {
    if (!(name in PARAMETERS)) return { ok: false, parameter: name, message: `unknown query parameter ${name} (the health endpoints take ${known.join(" and ")})` };
    const given = params.getAll(name);
    if (given.length > 1) return { ok: false, parameter: name, message: `query parameter ${name} is given ${given.length} times; give it once` };
    const parsed = PARAMETERS[name as keyof typeof PARAMETERS].safeParse(given[0]);
    if (!parsed.success) return { ok: false, parameter: name, message: `query parameter ${name}=${given[0]} ${parsed.error.issues[0]!.message}` };
    values[name as keyof typeof PARAMETERS] = parsed.data;
  }
  return { ok: true, query: { maxLagBytes: values.lag ?? null, maxLagSeconds: values.max_lag_seconds ?? null } };
}
