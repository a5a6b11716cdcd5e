import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TarExtractor } from "./tar-extractor";

const work = mkdtempSync(path.join(os.tmpdir(), "tar-extractor-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder like a small data folder: nested files, an empty file, an empty folder, a long path, sizes on and off block boundaries. */
function sourceTree(): string {
  const source = path.join(work, "source");
  mkdirSync(path.join(source, "base", "5"), { recursive: true });
  mkdirSync(path.join(source, "pg_wal", "archive_status"), { recursive: true });
  writeFileSync(path.join(source, "PG_VERSION"), "18\n");
  writeFileSync(path.join(source, "empty"), "");
  writeFileSync(path.join(source, "base", "5", "1259"), Buffer.alloc(8192, 7));
  writeFileSync(path.join(source, "base", "5", "odd"), Buffer.from(Array.from({ length: 1000 }, (_, index) => index % 251)));
  const deep = path.join(source, "a".repeat(60), "b".repeat(60));
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(deep, "c".repeat(40)), "long name\n");
  return source;
}

function tarOf(source: string): Buffer {
  return execFileSync("tar", ["--format=ustar", "-C", source, "-cf", "-", "."], { maxBuffer: 64 * 1024 * 1024 });
}

function listing(root: string, prefix = ""): string[] {
  return readdirSync(path.join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? [`${relative}/`, ...listing(root, relative)] : [`${relative} ${readFileSync(path.join(root, relative)).toString("hex")}`];
  });
}

function extract(archive: Buffer, chunkSize: number, target: string): TarExtractor {
  mkdirSync(target, { recursive: true });
  const extractor = new TarExtractor(target, null);
  for (let offset = 0; offset < archive.length; offset += chunkSize) extractor.write(archive.subarray(offset, offset + chunkSize));
  extractor.end();
  return extractor;
}

/** Overwrites a header's name and recomputes its checksum, as a hostile or broken server might send it. */
function withName(archive: Buffer, name: string): Buffer {
  const copy = Buffer.from(archive);
  copy.fill(0, 0, 100);
  copy.write(name, 0, "utf8");
  copy.fill(0x20, 148, 156);
  let sum = 0;
  for (let index = 0; index < 512; index += 1) sum += copy[index]!;
  copy.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return copy;
}

describe("TarExtractor", () => {
  const source = sourceTree();
  const archive = tarOf(source);

  it.each([1, 7, 511, 512, 513, 4096, archive.length])("extracts what tar archived, fed in chunks of %i bytes", (chunkSize) => {
    const target = path.join(work, `target-${chunkSize}`);
    const extractor = extract(archive, chunkSize, target);
    expect(listing(target).sort()).toEqual(listing(source).sort());
    expect(extractor.bytes).toBe(3 + 8192 + 1000 + 10);
    expect(extractor.files).toBe(5);
    expect(statSync(path.join(target, "PG_VERSION")).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(target, "base")).mode & 0o777).toBe(0o700);
  });

  it("accepts an archive without the two zero blocks that end a tar", () => {
    // tar pads to a record size with zero blocks; strip them all.
    let end = archive.length;
    while (end >= 512 && archive.subarray(end - 512, end).every((byte) => byte === 0)) end -= 512;
    const target = path.join(work, "no-trailer");
    expect(end).toBeLessThan(archive.length);
    extract(archive.subarray(0, end), 4096, target);
    expect(listing(target).sort()).toEqual(listing(source).sort());
  });

  it("refuses a corrupt header", () => {
    const corrupt = Buffer.from(archive);
    corrupt[0] = (corrupt[0]! + 1) % 256;
    expect(() => extract(corrupt, 4096, path.join(work, "corrupt"))).toThrow(/checksum/);
  });

  it("refuses names that lead outside the folder", () => {
    for (const name of ["../escaped", "/etc/escaped", "./a/../../escaped"]) {
      expect(() => extract(withName(archive, name), 4096, path.join(work, "escape"))).toThrow(/outside the folder/);
    }
    expect(readdirSync(work)).not.toContain("escaped");
  });

  it("refuses an archive cut short inside a file", () => {
    const header = 512;
    const fileEntry = archive.indexOf(Buffer.from("1259"));
    expect(fileEntry).toBeGreaterThanOrEqual(0);
    const cut = archive.subarray(0, Math.floor(fileEntry / header) * header + header + 100);
    expect(() => extract(cut, 4096, path.join(work, "cut"))).toThrow(/ended/);
  });
});
