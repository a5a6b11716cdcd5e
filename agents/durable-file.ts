import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * Replaces `file` whole: a temporary file written and fsynced, renamed over
 * it, and its folder fsynced, so a crash of the process or of the machine
 * leaves the old content or the new one, never half, and never loses the
 * rename.
 */
export function replaceFileDurably(file: string, content: string | Buffer, mode = 0o666): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, "w", mode);
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncDirectory(path.dirname(file));
}

/** Makes file creations, deletions and renames in `dir` survive a power loss. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
