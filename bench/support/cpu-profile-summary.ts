import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a V8 CPU profile's busy time went after `skipSeconds` (start-up left
 * out): each function's own time and its time including what it called, as
 * shares of the busy time. Functions are named with their file and line, so a
 * bundle's minified lines still tell them apart by name.
 */
export function summarizeCpuProfile(file: string, skipSeconds: number, top = 25): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber}`;
  const own = new Map<string, number>();
  const including = new Map<string, number>();
  let busy = 0;
  let time = profile.startTime;
  const from = profile.startTime + skipSeconds * 1e6;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i]!;
    if (time < from) continue;
    // A sample stands for the time until the next one.
    const span = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === "(idle)") continue;
    busy += span;
    own.set(label(node), (own.get(label(node)) ?? 0) + span);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id)!);
      if (seen.has(name)) continue;
      seen.add(name);
      including.set(name, (including.get(name) ?? 0) + span);
    }
  }
  const seconds = (time - from) / 1e6;
  const lines = (shares: Map<string, number>) =>
    [...shares]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, span]) => `  ${((100 * span) / busy).toFixed(1).padStart(5)} %  ${name}`);
  return [
    `${file}: ${(busy / 1000).toFixed(0)} ms busy in ${seconds.toFixed(0)} s (${(busy / 1e4 / seconds).toFixed(2)} % of a core, the profiler's own cost included)`,
    " own time:",
    ...lines(own),
    " including what it called:",
    ...lines(including),
  ].join("\n");
}
