import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as verifyRoute } from "@/app/api/v1/audit/verify/route";
import { chainKeyOf, keyedAuditHash, unkeyedAuditHash } from "@/core/audit/chain";
import { recordAuditEvent } from "@/server/audit/append-audit-event";
import { auditChainKey } from "@/server/audit/chain-keying";
import { db } from "@/server/db/client";
import { call, createTestUser, tokenFor } from "../support/api";
import { rewriteChain, snapshotChain } from "../support/audit-tamper";

let auditorToken: string;

const event = (n: number) => ({
  actor: { type: "user" as const, id: "user-1", label: "alice@example.com", ip: "10.0.0.7" },
  action: "user.update" as const,
  target: { type: "user", id: `u${n}` },
  before: { roles: ["viewer"] },
  after: { roles: ["viewer", "operator"], n },
  reason: `change ${n}`,
});

beforeAll(async () => {
  auditorToken = await tokenFor((await createTestUser("auditor@example.com", ["auditor"])).id);
  for (let n = 0; n < 8; n++) await recordAuditEvent(event(n));
});

const verify = async () => (await call(verifyRoute, { token: auditorToken })).json;

describe("the audit chain's key", () => {
  it("lives in the key folder, readable by its owner only, never in the store; the chain is keyed from its first event", async () => {
    const file = path.join(process.env.SWITCHYARD_KEY_DIR!, "audit-chain");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, "utf8").trim();
    expect(chainKeyOf(Buffer.from(secret)).id).toBe(auditChainKey().id);
    const stored = await db().$queryRawUnsafe<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM "AuditEvent" WHERE details::text LIKE '%' || $1 || '%') AS found`,
      secret,
    );
    expect(stored[0]!.found).toBe(false);
    expect(readFileSync(path.join(process.env.SWITCHYARD_KEY_DIR!, "audit-chain-keyed-from"), "utf8")).toBe("1");
    const first = await db().auditEvent.findUniqueOrThrow({ where: { seq: 1n } });
    expect(first).toMatchObject({ action: "audit.chain_keyed", actorType: "system", details: { rule: "hmac-sha256", keyId: auditChainKey().id, unkeyedThroughSeq: "0" } });
    expect(await verify()).toMatchObject({ intact: true, keyedFromSeq: 1, chainKeyId: auditChainKey().id });
  });

  it("catches a store writer who edits an event and re-hashes the chain from it with plain SHA-256, at that event", async () => {
    const restore = await snapshotChain();
    try {
      await rewriteChain(5n, (row) => ({ ...row, after: { roles: ["admin"] } }), unkeyedAuditHash);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 5, problem: "rehashed_without_key", intactThroughSeq: 4 });
    } finally {
      await restore();
    }
    expect(await verify()).toMatchObject({ intact: true });
  });

  it("catches one who re-hashes with a key of their own, at the edited event", async () => {
    const restore = await snapshotChain();
    try {
      const guessed = chainKeyOf(Buffer.from("not the chain key"));
      await rewriteChain(6n, (row) => ({ ...row, reason: "nothing to see" }), (prevHash, row) => keyedAuditHash(guessed, prevHash, row));
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 6, problem: "hash_mismatch", intactThroughSeq: 5 });
    } finally {
      await restore();
    }
  });

  it("catches an attempt to pass the keyed chain off as unkeyed: the first event renamed and everything re-hashed with SHA-256", async () => {
    const restore = await snapshotChain();
    try {
      await rewriteChain(1n, (row) => ({ ...row, action: "store.seed", details: null }), unkeyedAuditHash);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 1, problem: "not_keyed", intactThroughSeq: 0 });
      // A restarted control plane does not key the chain again after the forged unkeyed head: where it is keyed
      // from is kept beside the key, outside the store, and read again by a new process.
      delete (globalThis as { switchyardKeyedFrom?: unknown }).switchyardKeyedFrom;
      await recordAuditEvent(event(99));
      expect(await db().auditEvent.count({ where: { action: "audit.chain_keyed" } })).toBe(0);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 1, problem: "not_keyed" });
    } finally {
      await restore();
    }
  });
});
