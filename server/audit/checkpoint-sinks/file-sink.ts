import "server-only";
import { open, readdir, readFile, rename, stat } from "node:fs/promises";
import path from "node:path";
import type { SignedAuditCheckpoint } from "@/core/audit/checkpoint";
import { CHECKPOINT_FILE, checkpointBody, checkpointFileName, parsedOrText, type CheckpointSink } from "./checkpoint-sink";

/**
 * A file per checkpoint in a folder meant to be on another volume (another
 * disk, an NFS export, a mount only the backup operator can change). The
 * folder must exist: creating it would quietly put checkpoints on this
 * machine's own disk when the other volume is not mounted.
 */
export function fileSink(dir: string): CheckpointSink {
  const folder = path.resolve(dir);
  return {
    name: "file",
    target: folder,
    async publish(document: SignedAuditCheckpoint) {
      const info = await stat(folder).catch(() => null);
      if (!info?.isDirectory()) throw new Error(`${folder} is not a folder (is its volume mounted?)`);
      const file = path.join(folder, checkpointFileName(document.seq));
      const temporary = path.join(folder, `.${checkpointFileName(document.seq)}.${process.pid}.tmp`);
      // Written whole and flushed before it takes its name, so a reader never sees half a checkpoint.
      const handle = await open(temporary, "w", 0o644);
      try {
        await handle.writeFile(checkpointBody(document));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    },
    async published() {
      const names = (await readdir(folder)).filter((name) => CHECKPOINT_FILE.test(name)).sort().reverse();
      return { count: names.length, read: async (index: number) => parsedOrText(await readFile(path.join(folder, names[index]!), "utf8")) };
    },
  };
}
