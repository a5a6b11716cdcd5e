import { closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The ledger of acknowledged writes: one id per line, appended only after
 * COMMIT succeeded. Each line is one write(2) on an O_APPEND descriptor, so
 * a killed workload leaves whole lines and loses at most the write in flight
 * (which was then never reported as acknowledged to anyone).
 */
export class LedgerWriter {
  private readonly fd: number;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    this.fd = openSync(file, "a");
  }

  append(id: string): void {
    writeSync(this.fd, `${id}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export async function readLedger(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, "utf8")).split("\n").filter((line) => line.length > 0);
}
