import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyDir, loadOrCreateKeyFile } from "@/server/keys/key-files";
import { keyProvider, loadOrCreateKey } from "@/server/keys/key-provider";
import { sessionSecret } from "@/server/keys/session-secret";

/**
 * An operator's key command, as one fronting a secret manager would be
 * written: `get <name>` prints the key (nothing when it has none), `store
 * <name>` keeps stdin unless it already holds that key. This one keeps them
 * in a folder of its own and logs every call.
 */
function writeKeyCommand(dir: string): string {
  const script = path.join(dir, "vault-helper.sh");
  writeFileSync(
    script,
    `#!/bin/sh
set -eu
store="$VAULT_DIR"
echo "$*" >> "$store/calls.log"
case "$1" in
  get) if [ -f "$store/$2" ]; then cat "$store/$2"; fi ;;
  store) if [ ! -f "$store/$2" ]; then cat > "$store/$2"; fi ;;
  *) echo "unknown verb $1" >&2; exit 64 ;;
esac
`,
    { mode: 0o755 },
  );
  return script;
}

const saved = { ...process.env };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-key-provider-"));
  process.env.SWITCHYARD_KEY_DIR = path.join(dir, "keys");
  delete process.env.SWITCHYARD_KEY_COMMAND;
  delete process.env.NEXTAUTH_SECRET;
});

afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe("key files (the default provider)", () => {
  it("are created once, 0600 in a 0700 folder, and read back", async () => {
    expect(keyProvider().description).toBe(`the key folder ${keyDir()}`);
    const made = await loadOrCreateKey("command-signing-key", () => "first");
    expect(made).toBe("first");
    expect(await loadOrCreateKey("command-signing-key", () => "second")).toBe("first");
    expect(statSync(path.join(keyDir(), "command-signing-key")).mode & 0o777).toBe(0o600);
    expect(statSync(keyDir()).mode & 0o777).toBe(0o700);
  });

  it("refuse a key file others may read, as ssh does", async () => {
    loadOrCreateKeyFile("audit-chain");
    chmodSync(path.join(keyDir(), "audit-chain"), 0o644);
    expect(() => loadOrCreateKeyFile("audit-chain")).toThrow(/may be read by others \(mode 0644\).*chmod 600/);
    await expect(keyProvider().read("audit-chain")).rejects.toThrow(/may be read by others/);
  });
});

describe("a key command (SWITCHYARD_KEY_COMMAND)", () => {
  beforeEach(() => {
    process.env.VAULT_DIR = dir;
    process.env.SWITCHYARD_KEY_COMMAND = writeKeyCommand(dir);
  });

  it("is asked for keys by name, makes a missing one with store, and keeps the first one stored", async () => {
    expect(keyProvider().description).toBe("the key command (SWITCHYARD_KEY_COMMAND)");
    expect(await keyProvider().read("session-secret")).toBeNull();
    expect(await loadOrCreateKey("session-secret", () => "from-the-control-plane")).toBe("from-the-control-plane");
    expect(await loadOrCreateKey("session-secret", () => "another")).toBe("from-the-control-plane");
    expect(readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n")).toEqual(["get session-secret", "get session-secret", "store session-secret", "get session-secret", "get session-secret"]);
    // Nothing lands in the key folder: the command holds the keys.
    expect(existsSync(keyDir())).toBe(false);
  });

  it("hands a key an operator provisioned in it as it is", async () => {
    writeFileSync(path.join(dir, "command-signing-key"), "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n");
    expect(await keyProvider().read("command-signing-key")).toBe("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----");
  });

  it("is a shell command line, so it may name its interpreter or carry arguments of its own", async () => {
    process.env.SWITCHYARD_KEY_COMMAND = `/bin/sh ${process.env.SWITCHYARD_KEY_COMMAND}`;
    writeFileSync(path.join(dir, "provisioned"), "provisioned-key");
    expect(await keyProvider().read("provisioned")).toBe("provisioned-key");
  });

  it("gets the key name as an argument, never as shell text", async () => {
    writeFileSync(path.join(dir, "calls.log"), "");
    await expect(keyProvider().read("x; touch pwned")).rejects.toThrow(/Invalid key name/);
    expect(existsSync("pwned")).toBe(false);
    expect(readFileSync(path.join(dir, "calls.log"), "utf8")).toBe("");
  });

  it("that fails is an error naming the call, its exit status and what it said", async () => {
    writeFileSync(process.env.SWITCHYARD_KEY_COMMAND!, "#!/bin/sh\necho 'permission denied: secret/switchyard' >&2\nexit 3\n");
    await expect(keyProvider().read("session-secret")).rejects.toThrow('The key command (SWITCHYARD_KEY_COMMAND) failed on "get session-secret" (exit 3): permission denied: secret/switchyard.');
  });
});

describe("the session secret", () => {
  it("is NEXTAUTH_SECRET when set, else the provider's session-secret, made once", async () => {
    expect(await sessionSecret({ NEXTAUTH_SECRET: "operator-secret" })).toBe("operator-secret");
    const made = await sessionSecret({});
    expect(made).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessionSecret({})).toBe(made);
    expect(readFileSync(path.join(keyDir(), "session-secret"), "utf8")).toBe(made);
  });
});
