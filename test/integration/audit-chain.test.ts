import { beforeAll, describe, expect, it } from "vitest";
import { GET as verifyRoute } from "@/app/api/v1/audit/verify/route";
import { appendAuditEvent, appendAuditEvents, recordAuditEvent } from "@/server/audit/append-audit-event";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { db } from "@/server/db/client";
import { call, createTestUser, tokenFor } from "../support/api";
import { roundTrips } from "../support/round-trips";
import { ownerSql } from "../support/sql";

const event = (n: number) => ({
  actor: { type: "system" as const, id: null, label: "test" },
  action: "user.update" as const,
  target: { type: "user", id: `u${n}` },
  before: { roles: ["viewer"], n },
  after: { roles: ["viewer", "operator"], at: new Date(), big: 2n ** 60n },
  reason: `change ${n}`,
});

let auditorToken: string;

beforeAll(async () => {
  auditorToken = await tokenFor((await createTestUser("auditor@example.com", ["auditor"])).id);
});

describe("audit chain in the store", () => {
  it("stays linear under concurrent writers", async () => {
    const before = await db().auditEvent.count();
    await Promise.all(Array.from({ length: 40 }, (_, n) => recordAuditEvent(event(n))));
    const events = await db().auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(events).toHaveLength(before + 40);
    events.forEach((row, index) => {
      expect(row.seq).toBe(BigInt(index + 1));
      if (index > 0) expect(row.prevHash).toBe(events[index - 1]!.hash);
    });
    expect(await verifyAuditChain(db())).toMatchObject({ intact: true, throughSeq: events.length, count: events.length });
  });

  it("appends many events at once in one INSERT, chained in the order given, a missing JSON value stored as NULL", async () => {
    const before = await db().auditEvent.count();
    const inputs = Array.from({ length: 50 }, (_, n) => ({ ...event(100 + n), before: n === 0 ? undefined : event(100 + n).before }));
    const one = await roundTrips(() => db().$transaction((tx) => appendAuditEvents(tx, inputs.slice(0, 1))));
    const fifty = await roundTrips(() => db().$transaction((tx) => appendAuditEvents(tx, inputs)));
    expect(fifty).toBe(one);
    const appended = await db().auditEvent.findMany({ where: { seq: { gt: before + 1 } }, orderBy: { seq: "asc" } });
    expect(appended.map((row) => row.targetId)).toEqual(inputs.map((input) => input.target.id));
    expect(appended[1]!.after).toMatchObject({ roles: ["viewer", "operator"], big: (2n ** 60n).toString() });
    const nulls = await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "AuditEvent" WHERE before IS NULL AND details IS NULL AND seq > ${before}`;
    expect(nulls[0]!.n).toBe(2);
    const count = await db().auditEvent.count();
    expect(await verifyAuditChain(db())).toMatchObject({ intact: true, throughSeq: count, count });
  });

  it("writes the event in the same transaction as the change: a failed change leaves no event", async () => {
    const before = await db().auditEvent.count();
    await expect(
      db().$transaction(async (tx) => {
        await appendAuditEvent(tx, event(99));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db().auditEvent.count()).toBe(before);
  });

  it("refuses edits and deletions of events in the database itself, even to the schema's owner", async () => {
    await expect(ownerSql(`UPDATE "AuditEvent" SET reason = 'rewritten' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ownerSql(`DELETE FROM "AuditEvent" WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ownerSql(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
  });

  it("is reported intact through the last event by GET /api/v1/audit/verify, which records the check", async () => {
    const last = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    const { status, json } = await call(verifyRoute, { token: auditorToken });
    expect(status).toBe(200);
    expect(json).toMatchObject({ intact: true, throughSeq: Number(last.seq), lastHash: last.hash });
    expect(await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } })).toMatchObject({ action: "audit.verify", actorLabel: "auditor@example.com" });
  });

  it("reports the sequence number of an event changed directly in SQL", async () => {
    // Someone with the owner's rights turns the guard off and rewrites history.
    await ownerSql(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only";
               UPDATE "AuditEvent" SET after = '{"roles": ["admin"]}' WHERE seq = 7;
               ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only";`);
    const { status, json } = await call(verifyRoute, { token: auditorToken });
    expect(status).toBe(200);
    expect(json).toMatchObject({ intact: false, brokenAtSeq: 7, problem: "hash_mismatch", intactThroughSeq: 6 });
  });
});
