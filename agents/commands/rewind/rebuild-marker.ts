import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { replaceFileDurably, syncDirectory } from "../../durable-file";

export interface UnfinishedRebuild {
  /** host:port of the primary the rebuild was to follow. */
  primary: string;
  startedAt: string;
}

const FILE = "rebuild-unfinished.json";

/**
 * A rebuild of the local server that began and has not finished, in the
 * agent's state folder: written durably before the rebuild stops the server,
 * removed once it follows its primary. A repoint that finds the server down
 * reads it to tell a server its own rebuild left down from one someone
 * stopped (core/agents/repoint-down-server.ts).
 */
export class RebuildMarker {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, FILE);
  }

  begin(primary: string, now = new Date()): void {
    replaceFileDurably(this.file, `${JSON.stringify({ primary, startedAt: now.toISOString() } satisfies UnfinishedRebuild)}\n`, 0o600);
  }

  /** The unfinished rebuild; a file that cannot be read counts as one (to a primary that is unknown). */
  read(): UnfinishedRebuild | null {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as Partial<UnfinishedRebuild>;
      if (typeof parsed.primary === "string" && typeof parsed.startedAt === "string") return { primary: parsed.primary, startedAt: parsed.startedAt };
    } catch {
      // A torn write: the rebuild began all the same.
    }
    return { primary: "unknown", startedAt: "unknown" };
  }

  finish(): void {
    rmSync(this.file, { force: true });
    syncDirectory(path.dirname(this.file));
  }
}
