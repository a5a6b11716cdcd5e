import { GET as metricsRoute } from "@/app/api/v1/metrics/route";
import { call } from "./api";

/** A scrape of this process's control-plane metrics with `token`, as Prometheus makes it. */
export async function scrape(token: string): Promise<string> {
  const { status, json } = await call(metricsRoute, { path: "/api/v1/metrics", token });
  if (status !== 200) throw new Error(`scrape answered ${status}: ${JSON.stringify(json)}`);
  return json as string;
}

/**
 * The value of the sample `name` whose labels include `labels` in a scrape
 * (Prometheus' text format), summed over the samples that match; 0 when none does.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) sum += Number(match[3]);
  }
  return sum;
}
