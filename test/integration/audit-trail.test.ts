import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as eventRoute } from "@/app/api/v1/audit/[seq]/route";
import { GET as checkpointRoute } from "@/app/api/v1/audit/checkpoint/route";
import { GET as checkpointKeyRoute } from "@/app/api/v1/audit/checkpoint-key/route";
import { GET as exportRoute } from "@/app/api/v1/audit/export/route";
import { GET as listRoute } from "@/app/api/v1/audit/route";
import { GET as verifyRoute } from "@/app/api/v1/audit/verify/route";
import { canonicalJson, type JsonValue } from "@/core/audit/canonical-json";
import { keyedAuditHash } from "@/core/audit/chain";
import { recordAuditEvent, type AuditEventInput } from "@/server/audit/append-audit-event";
import { auditChainKey } from "@/server/audit/chain-keying";
import { fileSink } from "@/server/audit/checkpoint-sinks/file-sink";
import { newPublisherMemory, publishAuditCheckpoints } from "@/server/audit/publish-checkpoints";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { parseCsv } from "../support/csv";
import { runFixture } from "../support/runs";
import { ownerDatabaseUrl } from "../support/sql";

/** As the schema's owner: the control plane's own role may not touch the trigger or rewrite events. */
async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

let auditorToken: string;
let auditorId: string;
let runId: string;
let stepRunId: string;
let policyVersionId: string;
const T0 = Date.parse("2026-11-20T00:00:00Z");

/** Every test event, as recorded; the filters are checked against this list rather than the SQL under test. */
const recorded: { seq: number; input: AuditEventInput }[] = [];

const tricky = 'lag, "too high"\nafter the blip';

function fixtures(): AuditEventInput[] {
  const alice = { type: "user" as const, id: "user-alice", label: "alice@example.com", ip: "10.0.0.7" };
  const bob = { type: "user" as const, id: "user-bob", label: "bob@example.com", ip: "10.0.0.9" };
  const agent = { type: "agent" as const, id: "agent-1", label: "agent-eu" };
  const events: AuditEventInput[] = [];
  for (let n = 0; n < 30; n++) {
    events.push({
      actor: [alice, bob, agent][n % 3]!,
      action: (["user.update", "run.start", "replica.update", "alert.acknowledge"] as const)[n % 4]!,
      target: { type: n % 2 ? "replica" : "user", id: `target-${n % 5}` },
      serviceId: n % 3 === 0 ? "orders-db" : n % 3 === 1 ? "billing-db" : null,
      outcome: n % 7 === 0 ? "failure" : "success",
      reason: n === 4 ? tricky : n === 11 ? "quarantined by the flamingo procedure" : `routine change ${n}`,
      before: { maxLag: n },
      after: { maxLag: n + 1, note: n === 17 ? "pelican handover" : "ok" },
      details: n === 23 ? { ticket: "CHG-albatross-42" } : { n },
    });
  }
  return events;
}

beforeAll(async () => {
  await seedDemoTopology(db());
  const auditor = await createTestUser("auditor@example.com", ["auditor"]);
  auditorId = auditor.id;
  auditorToken = await tokenFor(auditor.id);
  const run = await runFixture();
  runId = run.id;
  stepRunId = (await db().stepRun.findFirstOrThrow({ where: { runId } })).id;
  policyVersionId = (await db().policyVersion.findFirstOrThrow()).id;
  for (const input of fixtures()) {
    const event = await recordAuditEvent(input);
    recorded.push({ seq: Number(event.seq), input });
  }
  // A run and a change request, each with several events, for the detail's related lists.
  for (const [action, reason] of [["run.start", "start it"], ["run.step", "step done"], ["run.finish", "all done"]] as const) {
    const event = await recordAuditEvent({
      actor: { type: "automation", id: null, label: "runbook engine" },
      action,
      target: { type: "run", id: runId },
      serviceId: "orders-db",
      reason,
      runId,
      stepRunId: action === "run.step" ? stepRunId : null,
      policyVersionId,
      changeRequestId: null,
      before: action === "run.step" ? { state: "running" } : null,
      after: action === "run.step" ? { state: "succeeded" } : null,
    });
    recorded.push({ seq: Number(event.seq), input: { actor: { type: "automation", id: null, label: "runbook engine" }, action, target: { type: "run", id: runId } } });
  }
  // Backdated events for the time filters (the chain does not care when an event says it happened).
  await sql(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
  for (const { seq } of recorded.filter((_, index) => index < 30)) {
    await sql(`UPDATE "AuditEvent" SET at = $1 WHERE seq = $2`, [new Date(T0 + seq * 3_600_000), seq]);
  }
  await sql(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
  await rehashFrom(1);
});

/** Recomputes every hash from `seq` on with the chain key, as someone holding it and covering a rewrite would. */
async function rehashFrom(seq: number): Promise<void> {
  const key = auditChainKey();
  const rows = await db().auditEvent.findMany({ where: { seq: { gte: BigInt(seq - 1) } }, orderBy: { seq: "asc" } });
  const client = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    let prevHash = seq === 1 ? "0".repeat(64) : rows[0]!.hash;
    for (const row of rows.filter((candidate) => candidate.seq >= BigInt(seq))) {
      const hash = keyedAuditHash(key, prevHash, { ...row, before: row.before as JsonValue, after: row.after as JsonValue, details: row.details as JsonValue });
      await client.query(`UPDATE "AuditEvent" SET "prevHash" = $1, hash = $2 WHERE seq = $3`, [prevHash, hash, row.seq.toString()]);
      prevHash = hash;
    }
    await client.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
  } finally {
    await client.end();
  }
}

async function list(query: string): Promise<{ status: number; json: any }> {
  return call(listRoute, { token: auditorToken, path: `/api/v1/audit?${query}` });
}

async function seqsOf(query: string): Promise<number[]> {
  const { status, json } = await list(`${query}&limit=200`);
  expect(status, JSON.stringify(json)).toBe(200);
  return json.events.map((event: { seq: number }) => event.seq);
}

const fixtureSeqs = (match: (input: AuditEventInput, seq: number) => boolean) =>
  recorded
    .filter(({ input, seq }) => match(input, seq))
    .map(({ seq }) => seq)
    .sort((a, b) => b - a);

async function download(path: string): Promise<Response> {
  return exportRoute(new Request(`http://switchyard.test${path}`, { headers: { authorization: `Bearer ${auditorToken}` } }), { params: Promise.resolve({}) });
}

describe("GET /api/v1/audit filters", () => {
  it("by actor label and by actor id", async () => {
    const alice = fixtureSeqs((input) => input.actor.label === "alice@example.com");
    expect(alice).toHaveLength(10);
    expect(await seqsOf("actor=alice%40example.com")).toEqual(alice);
    expect(await seqsOf("actor=user-alice")).toEqual(alice);
  });

  it("by one action and by several", async () => {
    expect(await seqsOf("action=replica.update")).toEqual(fixtureSeqs((input) => input.action === "replica.update"));
    const several = await seqsOf("action=alert.acknowledge,user.update");
    expect(several).toEqual(fixtureSeqs((input) => input.action === "alert.acknowledge" || input.action === "user.update"));
    expect(several.length).toBeGreaterThan(10);
  });

  it("by target, service and outcome, combined with AND", async () => {
    expect(await seqsOf("targetType=user&targetId=target-2")).toEqual(fixtureSeqs((input) => input.target.type === "user" && input.target.id === "target-2"));
    expect(await seqsOf("serviceId=billing-db")).toEqual(fixtureSeqs((input) => input.serviceId === "billing-db"));
    const failures = fixtureSeqs((input) => input.outcome === "failure");
    expect(failures.length).toBe(5);
    expect(await seqsOf("outcome=failure")).toEqual(failures);
    expect(await seqsOf("outcome=failure&serviceId=orders-db")).toEqual(fixtureSeqs((input) => input.outcome === "failure" && input.serviceId === "orders-db"));
  });

  it("by time range, from inclusive and to exclusive (UTC)", async () => {
    const at = (seq: number) => new Date(T0 + seq * 3_600_000).toISOString();
    const [first, , , , last] = recorded.slice(5, 10).map(({ seq }) => seq);
    expect(await seqsOf(`from=${at(first!)}&to=${at(last!)}`)).toEqual(recorded.slice(5, 9).map(({ seq }) => seq).reverse());
  });

  it("by full-text search over a reason, a details value and an after value", async () => {
    expect(await seqsOf("q=flamingo")).toEqual([recorded[11]!.seq]);
    expect(await seqsOf("q=albatross")).toEqual([recorded[23]!.seq]);
    expect(await seqsOf("q=pelican+handover")).toEqual([recorded[17]!.seq]);
    expect(await seqsOf("q=%22too+high%22")).toEqual([recorded[4]!.seq]);
    expect(await seqsOf("q=flamingo+-procedure")).toEqual([]);
  });

  it("answers each event with the who/what/when/where/target/outcome fields, its seq and hash", async () => {
    const { json } = await list(`actor=alice%40example.com&limit=1`);
    const stored = await db().auditEvent.findUniqueOrThrow({ where: { seq: BigInt(json.events[0].seq) } });
    expect(json.events[0]).toMatchObject({
      actorType: "user",
      actorId: "user-alice",
      actorLabel: "alice@example.com",
      sourceIp: "10.0.0.7",
      at: stored.at.toISOString(),
      action: stored.action,
      targetType: stored.targetType,
      targetId: stored.targetId,
      outcome: stored.outcome,
      prevHash: stored.prevHash,
      hash: stored.hash,
    });
  });
});

describe("GET /api/v1/audit pages", () => {
  it("walk the whole filtered set by seq, newest first, without gaps or duplicates", async () => {
    const expected = await seqsOf("serviceId=orders-db");
    const seen: number[] = [];
    let before: number | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const { json }: { json: { events: { seq: number }[]; nextBefore: number | null } } = await list(`serviceId=orders-db&limit=4${before ? `&before=${before}` : ""}`);
      seen.push(...json.events.map((event) => event.seq));
      before = json.nextBefore;
      if (before === null) break;
    }
    expect(before).toBeNull();
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("are not disturbed by events appended while paging", async () => {
    const first = await list("action=user.update&limit=3");
    await recordAuditEvent({ actor: { type: "system", id: null, label: "test" }, action: "user.update", target: { type: "user", id: "late" } });
    const second = await list(`action=user.update&limit=3&before=${first.json.nextBefore}`);
    expect(Math.max(...second.json.events.map((event: { seq: number }) => event.seq))).toBeLessThan(first.json.events.at(-1).seq);
  });
});

describe("viewing the trail is audited", () => {
  it("records one audit.view per distinct query per person per minute, with the filters", async () => {
    const views = () => db().auditEvent.count({ where: { action: "audit.view", actorId: auditorId } });
    const before = await views();
    await list("outcome=failure&q=routine");
    await list("outcome=failure&q=routine");
    await list("outcome=failure&q=routine&before=999");
    expect(await views()).toBe(before + 1);
    const view = await db().auditEvent.findFirstOrThrow({ where: { action: "audit.view" }, orderBy: { seq: "desc" } });
    expect(view).toMatchObject({ actorLabel: "auditor@example.com", targetType: "audit_chain", details: { filters: { outcome: "failure", q: "routine" } } });
    await list("outcome=success");
    expect(await views()).toBe(before + 2);
  });
});

describe("GET /api/v1/audit/{seq}", () => {
  it("answers the event, its diff, policy version, run, step and related events", async () => {
    const stepEvent = await db().auditEvent.findFirstOrThrow({ where: { action: "run.step", runId } });
    const { status, json } = await call(eventRoute, { token: auditorToken, params: { seq: String(stepEvent.seq) } });
    expect(status).toBe(200);
    expect(json.event).toMatchObject({ seq: Number(stepEvent.seq), hash: stepEvent.hash });
    expect(json.diff).toEqual([{ path: "$.state", change: "changed", before: "running", after: "succeeded" }]);
    expect(json.policyVersion.id).toBe(policyVersionId);
    expect(json.run).toMatchObject({ id: runId, runbookId: "fixture" });
    expect(json.step).toMatchObject({ id: stepRunId, stepId: "decide" });
    expect(json.related.run.map((event: { action: string }) => event.action)).toEqual(["run.start", "run.step", "run.finish"]);
    expect(json.related.target.map((event: { seq: number }) => event.seq)).not.toContain(Number(stepEvent.seq));
    expect(json.related.target).toHaveLength(2);
    const viewed = await db().auditEvent.findFirstOrThrow({ where: { action: "audit.view" }, orderBy: { seq: "desc" } });
    expect(viewed).toMatchObject({ targetType: "audit_event", targetId: String(stepEvent.seq) });
  });

  it("answers 404 for an unknown seq, and 400 for one that is not a number", async () => {
    const notFound = await call(eventRoute, { token: auditorToken, params: { seq: "987654" } });
    expect(notFound.status).toBe(404);
    expect(notFound.json.error.message).toMatch(/#987654/);
    const bad = await call(eventRoute, { token: auditorToken, params: { seq: "abc" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("seq");
  });
});

describe("GET /api/v1/audit/export", () => {
  it("streams CSV that parses back to exactly the filtered events, oldest first, quoted per RFC 4180", async () => {
    const expected = (await list("serviceId=billing-db&limit=200")).json.events.reverse();
    const response = await download("/api/v1/audit/export?format=csv&serviceId=billing-db");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="switchyard-audit-.+\.csv"$/);
    const [header, ...records] = parseCsv(await response.text());
    expect(header).toContain("hash");
    const column = (name: string) => header!.indexOf(name);
    expect(records.map((record) => Number(record[column("seq")]))).toEqual(expected.map((event: { seq: number }) => event.seq));
    expect(records.map((record) => record[column("hash")])).toEqual(expected.map((event: { hash: string }) => event.hash));
    const trickyRecord = records.find((record) => record[column("reason")] === tricky);
    expect(trickyRecord, "the reason with a comma, quotes and a newline survives").toBeDefined();
    expect(JSON.parse(trickyRecord![column("after")]!)).toEqual({ maxLag: 5, note: "ok" });
    expect(response.headers.get("x-audit-rows")).toBe(String(expected.length));
  });

  it("streams JSON Lines that parse back to the filtered events with seq and hash, and records the export with its row count", async () => {
    const expected = (await list("action=run.start,run.finish&limit=200")).json.events.reverse();
    const response = await download("/api/v1/audit/export?format=jsonl&action=run.start,run.finish");
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected);
    const exported = await db().auditEvent.findFirstOrThrow({ where: { action: "audit.export" }, orderBy: { seq: "desc" } });
    expect(exported).toMatchObject({
      actorLabel: "auditor@example.com",
      details: { format: "jsonl", filters: { action: ["run.start", "run.finish"] }, rows: expected.length },
    });
  });

  it("neutralises cells a spreadsheet would run as formulas in CSV, says so, and keeps exact values in JSON Lines", async () => {
    const email = "=2+5+cmd|' /C calc'!A0@evil.example";
    const event = await recordAuditEvent({
      actor: { type: "user", id: null, label: email, ip: "10.0.0.8" },
      action: "auth.sign_in",
      target: { type: "user", id: "@admin" },
      outcome: "failure",
      reason: "-1+1",
      details: { email },
    });
    const filter = `actor=${encodeURIComponent(email)}`;
    const csv = await download(`/api/v1/audit/export?format=csv&${filter}`);
    expect(csv.headers.get("x-audit-csv-note")).toMatch(/begin with = \+ - @ .* a ' in front/);
    const [header, record] = parseCsv(await csv.text());
    const cell = (name: string) => record![header!.indexOf(name)];
    expect(cell("actorLabel")).toBe(`'${email}`);
    expect(cell("targetId")).toBe("'@admin");
    expect(cell("reason")).toBe("'-1+1");
    expect(cell("seq")).toBe(String(event.seq));
    expect(cell("hash")).toBe(event.hash);

    const jsonl = await (await download(`/api/v1/audit/export?format=jsonl&${filter}`)).text();
    const exported = JSON.parse(jsonl.trim());
    expect(exported).toMatchObject({ actorLabel: email, targetId: "@admin", reason: "-1+1", details: { email }, hash: event.hash });
    expect(keyedAuditHash(auditChainKey(), exported.prevHash, { ...exported, seq: BigInt(exported.seq), at: new Date(exported.at) })).toBe(exported.hash);
  });

  it("spans several pages of the stream (1,000 rows each) without losing or repeating a row", async () => {
    for (let n = 0; n < 1_050; n++) {
      await recordAuditEvent({ actor: { type: "system", id: null, label: "bulk" }, action: "store.seed", target: { type: "bulk", id: String(n) } });
    }
    const text = await (await download("/api/v1/audit/export?format=jsonl&actor=bulk")).text();
    const seqs = text.trim().split("\n").map((line) => JSON.parse(line).seq as number);
    expect(seqs).toHaveLength(1_050);
    seqs.forEach((seq, index) => index > 0 && expect(seq).toBe(seqs[index - 1]! + 1));
  });
});

describe("bad requests", () => {
  const cases: [string, string, RegExp][] = [
    ["from=yesterday", "from", /ISO 8601 UTC/],
    ["from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "to", /must be after from/],
    ["action=run.strat", "action", /unknown action "run\.strat"/],
    ["limit=500", "limit", /200/],
    ["q=%21%21%21", "q", /a word/],
    ["targetId=x", "targetId", /targetType/],
    ["outcome=maybe", "outcome", /.+/],
    ["before=0", "before", /.+/],
  ];
  for (const [query, field, message] of cases) {
    it(`GET /api/v1/audit?${query} → 400 naming ${field}, nothing written`, async () => {
      const count = await db().auditEvent.count();
      const { status, json } = await list(query);
      expect(status).toBe(400);
      expect(json.error.field).toBe(field);
      expect(json.error.message).toMatch(message);
      expect(await db().auditEvent.count()).toBe(count);
    });
  }

  it("an export without a format, or with a bad filter, is refused and not recorded", async () => {
    const count = await db().auditEvent.count();
    const noFormat = await download("/api/v1/audit/export?serviceId=orders-db");
    expect(noFormat.status).toBe(400);
    expect(((await noFormat.json()) as { error: { field: string } }).error.field).toBe("format");
    const badFilter = await download("/api/v1/audit/export?format=csv&action=nope");
    expect(badFilter.status).toBe(400);
    expect(await db().auditEvent.count()).toBe(count);
  });

  it("a checkpoint seq without its hash is refused", async () => {
    const { status, json } = await call(verifyRoute, { token: auditorToken, path: "/api/v1/audit/verify?checkpointSeq=3" });
    expect(status).toBe(400);
    expect(json.error.field).toBe("checkpointHash");
  });
});

describe("checkpoints", () => {
  it("are signed with the audit checkpoint key, whose public half reviewers can fetch, and not with the command key", async () => {
    const { status, json: checkpoint } = await call(checkpointRoute, { token: auditorToken });
    expect(status).toBe(200);
    const head = await db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(checkpoint).toMatchObject({ seq: Number(head.seq), hash: head.hash, count: Number(head.seq), at: head.at.toISOString(), keyedFromSeq: 1, chainKeyId: auditChainKey().id });
    expect(head).toMatchObject({ action: "audit.checkpoint", actorLabel: "auditor@example.com" });

    const { json: key } = await call(checkpointKeyRoute, { token: auditorToken });
    expect(key).toMatchObject({ algorithm: "Ed25519", keyId: checkpoint.keyId });
    const { publicKeyPem: commandKeyPem } = await commandSigningKey();
    expect(key.publicKey).not.toBe(commandKeyPem);
    const { signature, ...signedFields } = checkpoint;
    const signed = Buffer.from(canonicalJson(signedFields));
    expect(verify(null, signed, createPublicKey(key.publicKey), Buffer.from(signature, "base64"))).toBe(true);
    expect(verify(null, signed, createPublicKey(commandKeyPem), Buffer.from(signature, "base64"))).toBe(false);
  });

  it("expose a history rewritten and re-hashed by someone holding the chain key, which the chain alone does not, and how far an older published checkpoint still vouches", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "switchyard-checkpoints-"));
    const sinks = [fileSink(folder)];
    const memory = newPublisherMemory();
    const first = await publishAuditCheckpoints(sinks, memory);
    await recordAuditEvent({ actor: { type: "system", id: null, label: "test" }, action: "user.update", target: { type: "user", id: "after-the-first-checkpoint" } });
    const rewritten = first.headSeq + 1;
    const { json: checkpoint } = await call(checkpointRoute, { token: auditorToken });
    await publishAuditCheckpoints(sinks, memory);

    const withCheckpoint = `/api/v1/audit/verify?checkpointSeq=${checkpoint.seq}&checkpointHash=${checkpoint.hash}&checkpointAt=${checkpoint.at}`;
    const intact = await call(verifyRoute, { token: auditorToken, path: withCheckpoint });
    expect(intact.json).toMatchObject({ intact: true, checkpoint: { seq: checkpoint.seq, matches: true } });

    await sql(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only";
               UPDATE "AuditEvent" SET reason = 'nothing to see' WHERE seq = ${rewritten};
               ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only";`);
    await rehashFrom(rewritten);
    expect((await call(verifyRoute, { token: auditorToken })).json).toMatchObject({ intact: true });
    // The checkpoints published before the rewrite bound it: the first still matches, so everything up to it is proven.
    process.env.SWITCHYARD_AUDIT_CHECKPOINT_DIR = folder;
    try {
      const exposed = await call(verifyRoute, { token: auditorToken, path: withCheckpoint });
      expect(exposed.json).toMatchObject({
        intact: false,
        brokenAtSeq: first.headSeq + 1,
        problem: "checkpoint_mismatch",
        intactThroughSeq: first.headSeq,
        checkpoint: { source: "request", matches: false, expectedHash: checkpoint.hash, brokenAtSeq: first.headSeq + 1 },
        published: { compared: [{ source: "file", matches: false }, { source: "file", seq: first.headSeq, matches: true }], rejected: [], unreadable: [] },
      });
      expect(exposed.json.checkpoint.reason).toMatch(/rewritten; events up to #\d+ still match an earlier checkpoint/);
    } finally {
      delete process.env.SWITCHYARD_AUDIT_CHECKPOINT_DIR;
    }
  });

  it("alongside a plain rewrite, name the first broken seq", async () => {
    const { json: checkpoint } = await call(checkpointRoute, { token: auditorToken });
    await sql(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only";
               UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE seq = 8;
               ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only";`);
    const { json } = await call(verifyRoute, { token: auditorToken, path: `/api/v1/audit/verify?checkpointSeq=${checkpoint.seq}&checkpointHash=${checkpoint.hash}` });
    expect(json).toMatchObject({ intact: false, brokenAtSeq: 8, problem: "hash_mismatch", intactThroughSeq: 7, checkpoint: { matches: true } });
  });
});
