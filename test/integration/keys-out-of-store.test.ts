import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeProtectedHeader } from "jose";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as enrollRoute } from "@/app/api/v1/agents/enroll/route";
import { GET as listUsersRoute } from "@/app/api/v1/users/route";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { issueEnrollmentToken } from "@/server/agents/issue-enrollment-token";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { issueCommand } from "@/server/commands/issue-command";
import { completeKeyRotation, startKeyRotation } from "@/server/commands/key-rotation";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { createDb, db } from "@/server/db/client";
import { keyDir } from "@/server/keys/key-files";
import { sessionSecret } from "@/server/keys/session-secret";
import { migrate } from "@/server/store/migrate";
import { createTestUser } from "../support/api";
import { seedDemoTopology } from "../support/demo-topology";
import { PartlyMigratedStore, queryDatabase } from "../support/partly-migrated-store";

const MIGRATIONS = path.resolve("prisma/migrations");
const KEYS_OUT_OF_STORE = readdirSync(MIGRATIONS).find((name) => name.endsWith("_command_keys_out_of_store"))!;

const stores: PartlyMigratedStore[] = [];
const folders: string[] = [];
const savedKeyDir = process.env.SWITCHYARD_KEY_DIR;

/** A store of an earlier version: migrated up to the migration that takes the secrets out, holding them as that version did. */
async function earlierStore(secrets: Record<string, string>): Promise<PartlyMigratedStore> {
  const store = new PartlyMigratedStore(KEYS_OUT_OF_STORE);
  stores.push(store);
  await store.create();
  for (const [secret, value] of Object.entries(secrets)) await store.query(`INSERT INTO "ControlPlaneSecret" (name, value) VALUES ($1, $2)`, [secret, value]);
  return store;
}

/** A key folder of its own, as a machine that never ran this version has. */
function freshKeyDir(): string {
  const parent = mkdtempSync(path.join(os.tmpdir(), "switchyard-upgrade-keys-"));
  folders.push(parent);
  process.env.SWITCHYARD_KEY_DIR = path.join(parent, "keys");
  return process.env.SWITCHYARD_KEY_DIR;
}

const tableExists = async (store: PartlyMigratedStore) => (await store.query<{ exists: boolean }>(`SELECT to_regclass('"ControlPlaneSecret"') IS NOT NULL AS exists`))[0]!.exists;
const newPem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const mode = (file: string) => statSync(file).mode & 0o777;

afterEach(() => {
  process.env.SWITCHYARD_KEY_DIR = savedKeyDir;
});

afterAll(async () => {
  for (const store of stores) await store.drop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("upgrading a store that kept secrets", () => {
  it("moves them into key files (0600) before migrating, drops the table, and keeps sessions and enrolled agents' key", async () => {
    const sessionValue = randomBytes(32).toString("base64url");
    const pem = newPem();
    const pinned = commandKeyFingerprint(createPublicKey(pem).export({ type: "spki", format: "pem" }).toString());
    const store = await earlierStore({ nextauth: sessionValue, "command-signing-key": pem });
    const dir = freshKeyDir();

    const result = await migrate(store.url);
    expect(result.secretsMoved).toEqual(["command-signing-key", "nextauth"]);
    expect(result.applied).toContain(KEYS_OUT_OF_STORE);
    expect(await tableExists(store)).toBe(false);
    expect(readFileSync(path.join(dir, "session-secret"), "utf8")).toBe(sessionValue);
    expect(readFileSync(path.join(dir, "command-signing-key"), "utf8")).toBe(pem);
    expect(mode(path.join(dir, "session-secret"))).toBe(0o600);
    expect(mode(path.join(dir, "command-signing-key"))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);

    // The same session secret: existing sessions stay valid.
    expect(await sessionSecret({})).toBe(sessionValue);
    // The same command key: agents that pinned it at enrollment still verify what is signed.
    const client = createDb(store.url, 2);
    try {
      expect((await commandSigningKey(client)).id).toBe(pinned);
      expect(await client.commandKey.findMany({ select: { id: true, state: true, keyName: true } })).toEqual([{ id: pinned, state: "current", keyName: "command-signing-key" }]);
    } finally {
      await client.$disconnect();
    }
    expect((await migrate(store.url)).secretsMoved).toEqual([]);
  });

  it("refuses to move a secret over another key already in the key folder, leaving it in the store", async () => {
    const pem = newPem();
    const store = await earlierStore({ "command-signing-key": pem });
    const dir = freshKeyDir();
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(path.join(dir, "command-signing-key"), newPem(), { mode: 0o600 });

    await expect(migrate(store.url)).rejects.toThrow(/The command-signing-key secret in the store differs from the key command-signing-key that the key folder .* already holds/);
    expect(await store.query(`SELECT value FROM "ControlPlaneSecret"`)).toEqual([{ value: pem }]);
    expect(await store.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [KEYS_OUT_OF_STORE])).toEqual([]);
  });

  it("has a migration that refuses to drop the table while it holds secrets (a migration run without the move loses nothing)", async () => {
    const store = await earlierStore({ nextauth: "kept" });
    const sql = readFileSync(path.join(MIGRATIONS, KEYS_OUT_OF_STORE, "migration.sql"), "utf8");
    await expect(store.query(sql)).rejects.toThrow(/ControlPlaneSecret still holds secrets/);
    expect(await store.query(`SELECT value FROM "ControlPlaneSecret"`)).toEqual([{ value: "kept" }]);
  });
});

/** Every string a store table holds, JSON columns taken apart, with where it was found. */
async function storeStrings(): Promise<Map<string, string>> {
  const tables = await queryDatabase<{ table_name: string }>(
    new URL(process.env.DATABASE_URL!).pathname.slice(1),
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const found = new Map<string, string>();
  const collect = (value: unknown, where: string) => {
    if (typeof value === "string") {
      if (!found.has(value)) found.set(value, where);
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed !== null && typeof parsed === "object") collect(parsed, where);
      } catch {
        // Not JSON text: the string itself is what counts.
      }
    } else if (Array.isArray(value)) value.forEach((item) => collect(item, where));
    else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) collect(item, `${where}.${key}`);
  };
  for (const { table_name: table } of tables) {
    const rows = await queryDatabase<{ row: Record<string, unknown> }>(new URL(process.env.DATABASE_URL!).pathname.slice(1), `SELECT to_jsonb(t) AS row FROM "${table}" t`);
    for (const { row } of rows) collect(row, table);
  }
  return found;
}

/**
 * Each key file's material (the audit keys' too), and the forms a private key
 * could take if someone stored it differently. Files too short to be a key
 * (where the audit chain is keyed from) are not secrets.
 */
function keyMaterialForms(): string[] {
  const forms: string[] = [];
  for (const file of readdirSync(keyDir())) {
    const material = readFileSync(path.join(keyDir(), file), "utf8").trim();
    if (material.length < 16) continue;
    forms.push(material);
    if (material.includes("PRIVATE KEY")) {
      forms.push(material.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
      const seed = createPrivateKey(material).export({ format: "jwk" }).d!;
      const raw = Buffer.from(seed, "base64url");
      forms.push(seed, raw.toString("base64"), raw.toString("hex"));
    }
  }
  return forms;
}

describe("a fresh install", () => {
  let adminId: string;
  let realSessionSecret: string;
  const savedSessionEnv = process.env.NEXTAUTH_SECRET;

  beforeAll(async () => {
    // As `npm start` does: the session secret from the key provider, handed to the server.
    delete process.env.NEXTAUTH_SECRET;
    realSessionSecret = await sessionSecret();
    process.env.NEXTAUTH_SECRET = realSessionSecret;

    await seedDemoTopology(db());
    adminId = (await createTestUser("admin@example.com", ["admin"])).id;
    const us = await db().replica.findFirstOrThrow({ where: { name: "pg-us-east-1" } });
    const issued = await issueEnrollmentToken(us.id, 3600, SYSTEM_ACTOR);
    const enrolled = await enrollRoute(new Request("http://switchyard.test/api/v1/agents/enroll", { method: "POST", headers: { authorization: `Bearer ${issued.token}`, "content-type": "application/json" }, body: "{}" }), { params: Promise.resolve({}) });
    expect(enrolled.status).toBe(201);
    const before = await issueCommand({ replicaId: us.id, kind: "checkpoint", args: {}, idempotencyKey: "keys-1", actor: SYSTEM_ACTOR });
    await startKeyRotation(SYSTEM_ACTOR, "store scan");
    await completeKeyRotation(SYSTEM_ACTOR, "store scan", true);
    const after = await issueCommand({ replicaId: us.id, kind: "checkpoint", args: {}, idempotencyKey: "keys-2", actor: SYSTEM_ACTOR });
    expect(decodeProtectedHeader(after.token).kid).toBe((await commandSigningKey()).id);
    expect(decodeProtectedHeader((await db().agentCommand.findUniqueOrThrow({ where: { id: before.id } })).token).kid).toBe((await commandSigningKey()).id);
  });

  afterAll(() => {
    process.env.NEXTAUTH_SECRET = savedSessionEnv;
  });

  it("keeps its keys in the key folder only, each 0600, and no table holds any of them after enrolment, commands and a rotation", async () => {
    const files = readdirSync(keyDir()).sort();
    expect(files).toEqual(expect.arrayContaining(["command-signing-key", expect.stringMatching(/^command-signing-key\.[0-9a-f]{16}$/), "session-secret"]));
    for (const file of files) expect(mode(path.join(keyDir(), file)), file).toBe(0o600);
    expect(mode(keyDir())).toBe(0o700);

    const stored = await storeStrings();
    expect(stored.size).toBeGreaterThan(100);
    const leaks = keyMaterialForms().flatMap((form) =>
      [...stored].filter(([value]) => value.includes(form)).map(([, where]) => `${where} holds key material (${form.slice(0, 12)}…)`),
    );
    expect(leaks).toEqual([]);
    expect(await queryDatabase(new URL(process.env.DATABASE_URL!).pathname.slice(1), `SELECT to_regclass('"ControlPlaneSecret"') AS t`)).toEqual([{ t: null }]);
  });

  it("lets no session be forged with anything the store holds; one made with the key folder's secret works (so the check can fail)", async () => {
    // The claims signing in stamps, so that only the secret decides.
    const cookie = async (secret: string) => `next-auth.session-token=${await encode({ token: { sub: adminId, sv: 0, signedInAt: Date.now() }, secret })}`;
    const status = async (secret: string) => (await listUsersRoute(new Request("http://switchyard.test/api/v1/users", { headers: { cookie: await cookie(secret) } }), { params: Promise.resolve({}) })).status;
    expect(await status(realSessionSecret)).toBe(200);
    const candidates = [...(await storeStrings()).keys()].filter((value) => value.length >= 8);
    expect(candidates.length).toBeGreaterThan(50);
    const accepted: string[] = [];
    for (const candidate of candidates) if ((await status(candidate)) !== 401) accepted.push(candidate);
    expect(accepted).toEqual([]);
  });
});
