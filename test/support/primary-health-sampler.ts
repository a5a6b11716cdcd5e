import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One round: every agent's /primary status, by replica (0: no answer), asked together. */
export interface PrimaryHealthRound {
  at: number;
  statuses: Record<string, number>;
}

/** Each lab agent's health port, as its latest start logged it. */
export function labHealthPorts(dataDir: string): Record<string, number> {
  const folder = path.join(dataDir, "lab", "agents");
  const ports: Record<string, number> = {};
  for (const name of readdirSync(folder)) {
    const started = readFileSync(path.join(folder, name, "agent.log"), "utf8")
      .split("\n")
      .filter((line) => line.includes('"agent.started"'))
      .map((line) => JSON.parse(line) as { healthPort: number | null })
      .at(-1);
    if (started?.healthPort) ports[name] = started.healthPort;
  }
  return ports;
}

/**
 * Asks every agent's /primary at once (directly, as a load balancer outside
 * the regions would), round after round, until stopped. A load balancer
 * checking /primary has two write targets in any round where two answer 200.
 */
export function samplePrimaryHealth(ports: Record<string, number>): { rounds: PrimaryHealthRound[]; stop(): Promise<PrimaryHealthRound[]> } {
  const rounds: PrimaryHealthRound[] = [];
  let stopping = false;
  const ask = (port: number) => fetch(`http://127.0.0.1:${port}/primary`, { signal: AbortSignal.timeout(2_000) }).then((answer) => answer.status, () => 0);
  const loop = (async () => {
    while (!stopping) {
      const at = Date.now();
      const statuses = await Promise.all(Object.values(ports).map(ask));
      rounds.push({ at, statuses: Object.fromEntries(Object.keys(ports).map((name, i) => [name, statuses[i]!])) });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    rounds,
    async stop() {
      stopping = true;
      await loop;
      return rounds;
    },
  };
}

/** The rounds in which more than one agent answered 200 on /primary. */
export const twoWriteTargets = (rounds: readonly PrimaryHealthRound[]) => rounds.filter((round) => Object.values(round.statuses).filter((status) => status === 200).length > 1);
