import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isProcessAlive } from "@/embedded/process-alive";

/**
 * One running Switchyard per data folder: a second copy on the same folder
 * would fight the first over its PostgreSQL and lab. Returns the release.
 */
export function lockDataDir(dataDir: string, owner = process.pid): () => void {
  const file = path.join(dataDir, "switchyard.pid");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid !== owner && isProcessAlive(pid)) {
      throw new Error(`Another Switchyard (pid ${pid}) is using ${dataDir}. Stop it, or set SWITCHYARD_DATA_DIR to another folder.`);
    }
  }
  writeFileSync(file, `${owner}\n`);
  return () => rmSync(file, { force: true });
}
