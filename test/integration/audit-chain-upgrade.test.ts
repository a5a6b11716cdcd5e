import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as verifyRoute } from "@/app/api/v1/audit/verify/route";
import { GENESIS_HASH, unkeyedAuditHash, type ChainedAuditEvent } from "@/core/audit/chain";
import { recordAuditEvent } from "@/server/audit/append-audit-event";
import { auditChainKey } from "@/server/audit/chain-keying";
import { db } from "@/server/db/client";
import { call, createTestUser, tokenFor } from "../support/api";
import { deleteAfter, insertEvents, rewriteChain, snapshotChain } from "../support/audit-tamper";

/** Events a version before the chain had a key wrote: SHA-256(prevHash + canonical JSON). */
function unkeyedEvents(fromSeq: bigint, prevHash: string, count: number, label: string): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [];
  for (let n = 0; n < count; n++) {
    const body = {
      seq: fromSeq + BigInt(n),
      at: new Date(Date.UTC(2026, 10, 1, 8, 0, n)),
      actorType: "user" as const,
      actorId: "user-1",
      actorLabel: label,
      sourceIp: "10.0.0.7",
      action: "user.update",
      targetType: "user",
      targetId: `u${n}`,
      serviceId: null,
      outcome: "success" as const,
      reason: `change ${n}`,
      before: { roles: ["viewer"] },
      after: { roles: ["viewer", "operator"] },
      details: null,
      runId: null,
      stepRunId: null,
      policyVersionId: null,
      changeRequestId: null,
    };
    const link = events.at(-1)?.hash ?? prevHash;
    events.push({ ...body, prevHash: link, hash: unkeyedAuditHash(link, body) });
  }
  return events;
}

let auditorToken: string;
let legacy: ChainedAuditEvent[];

beforeAll(async () => {
  legacy = unkeyedEvents(1n, GENESIS_HASH, 4, "alice@example.com");
  await insertEvents(legacy);
  // The upgraded control plane's first audited action: issuing this token.
  auditorToken = await tokenFor((await createTestUser("auditor@example.com", ["auditor"])).id);
  await recordAuditEvent({ actor: { type: "system", id: null, label: "test" }, action: "user.update", target: { type: "user", id: "after" } });
});

const verify = async () => (await call(verifyRoute, { token: auditorToken })).json;

describe("a chain begun before the control plane had a chain key", () => {
  it("is keyed from the first append after the upgrade, which records where; the events before keep the old rule and still verify", async () => {
    const keyed = await db().auditEvent.findUniqueOrThrow({ where: { seq: 5n } });
    expect(keyed).toMatchObject({ action: "audit.chain_keyed", prevHash: legacy[3]!.hash, details: { keyId: auditChainKey().id, unkeyedThroughSeq: "4" } });
    expect(readFileSync(path.join(process.env.SWITCHYARD_KEY_DIR!, "audit-chain-keyed-from"), "utf8")).toBe("5");
    expect((await db().auditEvent.findUniqueOrThrow({ where: { seq: 6n } })).action).toBe("token.issue");
    expect(await verify()).toMatchObject({ intact: true, keyedFromSeq: 5 });
  });

  it("exposes an unkeyed event rewritten and re-hashed with the old rule, at the keyed event whose hash covers it", async () => {
    const restore = await snapshotChain();
    try {
      await rewriteChain(2n, (row) => ({ ...row, after: { roles: ["admin"] } }), unkeyedAuditHash, 4n);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 5, problem: "link_mismatch", intactThroughSeq: 4 });
    } finally {
      await restore();
    }
  });

  it("refuses a downgrade: the keyed event renamed and everything from it re-hashed with the old rule, even after a restart", async () => {
    const restore = await snapshotChain();
    try {
      await rewriteChain(5n, (row) => ({ ...row, action: "store.seed", details: null }), unkeyedAuditHash);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 5, problem: "not_keyed", intactThroughSeq: 4 });
      delete (globalThis as { switchyardKeyedFrom?: unknown }).switchyardKeyedFrom;
      await recordAuditEvent({ actor: { type: "system", id: null, label: "test" }, action: "user.update", target: { type: "user", id: "after the restart" } });
      expect(await db().auditEvent.count({ where: { action: "audit.chain_keyed" } })).toBe(0);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 5, problem: "not_keyed" });
    } finally {
      await restore();
    }
  });

  it("refuses a keyed part replaced with forged unkeyed events, and names a chain cut before its keyed event as truncated", async () => {
    const restore = await snapshotChain();
    try {
      await deleteAfter(4n);
      await insertEvents(unkeyedEvents(5n, legacy[3]!.hash, 3, "mallory@example.com"));
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 5, problem: "not_keyed", intactThroughSeq: 4 });
      await deleteAfter(2n);
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 3, problem: "truncated", intactThroughSeq: 2 });
      // That verification was recorded at #3, keyed, where only an unkeyed event can stand.
      expect(await verify()).toMatchObject({ intact: false, brokenAtSeq: 3, problem: "hash_mismatch", intactThroughSeq: 2 });
    } finally {
      await restore();
    }
  });
});
