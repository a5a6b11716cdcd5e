import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyDir, loadOrCreateKeyFile } from "@/server/keys/key-files";

describe("key files", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.SWITCHYARD_KEY_DIR;
    process.env.SWITCHYARD_KEY_DIR = path.join(mkdtempSync(path.join(os.tmpdir(), "switchyard-keys-")), "keys");
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SWITCHYARD_KEY_DIR;
    else process.env.SWITCHYARD_KEY_DIR = saved;
  });

  it("creates a key readable by its owner only, in a folder only its owner can enter", () => {
    const key = loadOrCreateKeyFile("session");
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(path.join(keyDir(), "session")).mode & 0o777).toBe(0o600);
    expect(statSync(keyDir()).mode & 0o777).toBe(0o700);
  });

  it("keeps the key that exists: a second process gets the first one's key", () => {
    const first = loadOrCreateKeyFile("audit-chain");
    expect(loadOrCreateKeyFile("audit-chain", () => "another")).toBe(first);
    expect(readFileSync(path.join(keyDir(), "audit-chain"), "utf8")).toBe(first);
  });

  it("reads a key put there by an operator", () => {
    loadOrCreateKeyFile("placeholder");
    writeFileSync(path.join(keyDir(), "provisioned"), "provisioned-key\n", { mode: 0o600 });
    expect(loadOrCreateKeyFile("provisioned")).toBe("provisioned-key");
  });

  it("refuses names that would leave the folder", () => {
    expect(() => loadOrCreateKeyFile("../store/password")).toThrow(/Invalid key name/);
    expect(() => loadOrCreateKeyFile("")).toThrow(/Invalid key name/);
  });
});
