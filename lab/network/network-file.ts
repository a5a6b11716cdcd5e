import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { z } from "zod";
import { labDir, networkFile } from "../paths";

const networkFileSchema = z.object({
  version: z.literal(1),
  /** The controller's HTTP port (lab/network/controller.ts). */
  controllerPort: z.number().int().min(1).max(65_535),
  /** Each link's proxy port, by linkKey. */
  proxies: z.record(z.string(), z.number().int().min(1).max(65_535)),
});

/** `<dataDir>/lab/network.json`. */
export type NetworkFile = z.infer<typeof networkFileSchema>;

export async function readNetworkFile(dataDir: string): Promise<NetworkFile | null> {
  const file = networkFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = networkFileSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a lab network file: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  return parsed.data;
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
export async function writeNetworkFile(dataDir: string, content: NetworkFile): Promise<void> {
  await mkdir(labDir(dataDir), { recursive: true, mode: 0o755 });
  const file = networkFile(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, file);
}

/**
 * The port each proxy tries first (0: any): the one recorded for it, so
 * standbys configured by an earlier run find their link again, unless that
 * port is reserved for someone else or another key already claimed it.
 */
export function plannedPorts(keys: readonly string[], recorded: Readonly<Record<string, number>>, reserved: ReadonlySet<number>): Map<string, number> {
  const claimed = new Set(reserved);
  const plan = new Map<string, number>();
  for (const key of keys) {
    const port = recorded[key];
    const usable = port !== undefined && !claimed.has(port);
    plan.set(key, usable ? port : 0);
    if (usable) claimed.add(port);
  }
  return plan;
}
