import { closeSync, fchownSync, mkdirSync, openSync, writeSync, chownSync } from "node:fs";
import path from "node:path";

/** Who the extracted files belong to: the data folder's owner when the agent runs as root, else the agent itself (null). */
export interface FileOwner {
  uid: number;
  gid: number;
}

const BLOCK = 512;

type State = { kind: "header" } | { kind: "file"; fd: number; remaining: number; padding: number } | { kind: "padding"; remaining: number } | { kind: "ended" };

/**
 * Writes a tar archive into a folder as it arrives, without holding it in
 * memory: BASE_BACKUP sends a data folder as one (ustar, regular files and
 * folders; symbolic links only for tablespaces, which are refused). Every
 * header's checksum is verified and no name may lead outside the folder.
 */
export class TarExtractor {
  private state: State = { kind: "header" };
  private header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes of file content written. */
  bytes = 0;
  files = 0;

  constructor(
    private readonly root: string,
    private readonly owner: FileOwner | null,
  ) {}

  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const state = this.state;
      if (state.kind === "ended") return;
      if (state.kind === "header") {
        const take = Math.min(BLOCK - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.entry(this.header);
        }
      } else if (state.kind === "file") {
        const take = Math.min(state.remaining, chunk.length - offset);
        writeAll(state.fd, chunk.subarray(offset, offset + take));
        this.bytes += take;
        state.remaining -= take;
        offset += take;
        if (state.remaining === 0) {
          closeSync(state.fd);
          this.state = state.padding ? { kind: "padding", remaining: state.padding } : { kind: "header" };
        }
      } else {
        const take = Math.min(state.remaining, chunk.length - offset);
        state.remaining -= take;
        offset += take;
        if (state.remaining === 0) this.state = { kind: "header" };
      }
    }
  }

  /** The archive ended: mid-file or mid-header means it was cut short. PostgreSQL may omit the two zero blocks that end a tar. */
  end(): void {
    const state = this.state;
    if (state.kind === "file") {
      closeSync(state.fd);
      throw new Error(`the archive ended ${state.remaining} bytes before the end of a file`);
    }
    if (state.kind === "padding" || this.headerFill > 0) throw new Error("the archive ended inside a block");
    this.state = { kind: "ended" };
  }

  /** Closes a file left open by an archive that failed midway. */
  abandon(): void {
    if (this.state.kind === "file") closeSync(this.state.fd);
    this.state = { kind: "ended" };
  }

  private entry(header: Buffer): void {
    if (header.every((byte) => byte === 0)) {
      this.state = { kind: "ended" };
      return;
    }
    verifyChecksum(header);
    const name = entryName(header);
    const target = this.resolve(name);
    const type = String.fromCharCode(header[156] ?? 0);
    const size = octal(header, 124, 12, name);
    if (type === "5") {
      mkdirSync(target, { recursive: true, mode: 0o700 });
      if (this.owner) chownSync(target, this.owner.uid, this.owner.gid);
      this.state = { kind: "header" };
      return;
    }
    if (type === "2") throw new Error(`${name} is a symbolic link (a tablespace), which the agent's base backup does not support`);
    if (type !== "0" && type !== "\0") throw new Error(`${name} has tar entry type ${JSON.stringify(type)}, which a PostgreSQL base backup does not use`);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    const fd = openSync(target, "w", 0o600);
    if (this.owner) fchownSync(fd, this.owner.uid, this.owner.gid);
    this.files += 1;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) {
      closeSync(fd);
      this.state = { kind: "header" };
    } else {
      this.state = { kind: "file", fd, remaining: size, padding };
    }
  }

  private resolve(name: string): string {
    const normalised = path.posix.normalize(name);
    if (path.posix.isAbsolute(normalised) || normalised === ".." || normalised.startsWith("../")) {
      throw new Error(`the archive names ${JSON.stringify(name)}, outside the folder it is extracted into`);
    }
    return path.join(this.root, normalised);
  }
}

function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written);
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

/** ustar keeps long names in two parts: a prefix (when the magic says ustar) and the name. */
function entryName(header: Buffer): string {
  const name = text(header, 0, 100);
  const prefix = text(header, 257, 5) === "ustar" ? text(header, 345, 155) : "";
  return prefix ? `${prefix}/${name}` : name;
}

function octal(header: Buffer, start: number, length: number, name: string): number {
  if ((header[start] ?? 0) & 0x80) throw new Error(`${name}: base-256 sizes (files over 8 GiB) are not supported`);
  const digits = text(header, start, length).trim();
  const value = digits ? Number.parseInt(digits, 8) : 0;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}: unreadable size field ${JSON.stringify(digits)}`);
  return value;
}

/** The header's bytes summed with its checksum field read as spaces. */
function verifyChecksum(header: Buffer): void {
  const recorded = Number.parseInt(text(header, 148, 8).trim(), 8);
  let sum = 0;
  for (let index = 0; index < BLOCK; index += 1) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  if (recorded !== sum) throw new Error(`a tar header's checksum is ${recorded}, its bytes sum to ${sum}: the archive is corrupt`);
}
