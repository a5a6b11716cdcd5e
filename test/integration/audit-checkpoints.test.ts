import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as checkpointKeyRoute } from "@/app/api/v1/audit/checkpoint-key/route";
import { GET as verifyRoute } from "@/app/api/v1/audit/verify/route";
import { GET as metricsRoute } from "@/app/api/v1/metrics/route";
import { canonicalJson } from "@/core/audit/canonical-json";
import { checkpointKeyId, signCheckpoint } from "@/core/audit/checkpoint";
import { AUDIT_CHECKPOINT_PROGRESS } from "@/core/audit/publication-health";
import { recordAuditEvent } from "@/server/audit/append-audit-event";
import { auditCheckpointJob } from "@/server/audit/checkpoint-job";
import { fileSink } from "@/server/audit/checkpoint-sinks/file-sink";
import { s3Sink } from "@/server/audit/checkpoint-sinks/s3-sink";
import { checkpointFileName } from "@/server/audit/checkpoint-sinks/checkpoint-sink";
import { checkpointSinkSettings } from "@/server/audit/checkpoint-sinks/sink-settings";
import { webhookSink } from "@/server/audit/checkpoint-sinks/webhook-sink";
import { newPublisherMemory, publishAuditCheckpoints } from "@/server/audit/publish-checkpoints";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { decideAlerts } from "@/server/alerts/evaluate-alerts";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { db } from "@/server/db/client";
import { call, createTestUser, tokenFor } from "../support/api";
import { deleteAfter } from "../support/audit-tamper";
import { seedDemoTopology } from "../support/demo-topology";
import { startFakeS3, type FakeS3 } from "../support/fake-s3";
import { listenLocally } from "../support/local-server";

const S3_CREDENTIALS = { accessKeyId: "AKIDSWITCHYARDTEST", secretAccessKey: "test-secret/with+symbols" };
const ENV_NAMES = ["SWITCHYARD_AUDIT_CHECKPOINT_DIR", "SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK", "SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK_TOKEN", "SWITCHYARD_AUDIT_CHECKPOINT_S3_URL"];

let auditorToken: string;
let s3: FakeS3;
const folders: string[] = [];

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-checkpoints-"));
  folders.push(dir);
  return dir;
}

const event = (n: number) => ({ actor: { type: "system" as const, id: null, label: "test" }, action: "user.update" as const, target: { type: "user", id: `u${n}` } });

beforeAll(async () => {
  await seedDemoTopology(db());
  auditorToken = await tokenFor((await createTestUser("auditor@example.com", ["auditor"])).id);
  for (let n = 0; n < 5; n++) await recordAuditEvent(event(n));
  s3 = await startFakeS3(S3_CREDENTIALS);
});

afterEach(() => {
  for (const name of ENV_NAMES) delete process.env[name];
});

afterAll(async () => {
  await s3.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

async function checkpointPublicKey(): Promise<string> {
  return (await call(checkpointKeyRoute, { token: auditorToken })).json.publicKey;
}

/** Whether a published document's signature verifies with a public key (SPKI PEM), checked here without the product's code. */
function signedWith(document: Record<string, unknown>, publicKeyPem: string): boolean {
  const { signature, ...fields } = document;
  return verify(null, Buffer.from(canonicalJson(fields as never)), createPublicKey(publicKeyPem), Buffer.from(signature as string, "base64"));
}

const head = () => db().auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });

describe("publishing signed checkpoints off the box", () => {
  it("writes each checkpoint to a file in the folder, signed with the checkpoint key and not the command key", async () => {
    const dir = folder();
    const round = await publishAuditCheckpoints([fileSink(dir)], newPublisherMemory());
    const last = await head();
    expect(round).toMatchObject({ broken: null, published: ["file"], failures: {}, headSeq: Number(last.seq) });
    const files = readdirSync(dir);
    expect(files).toEqual([`checkpoint-${String(last.seq).padStart(20, "0")}.json`]);
    const document = JSON.parse(readFileSync(path.join(dir, files[0]!), "utf8"));
    expect(document).toMatchObject({ seq: Number(last.seq), hash: last.hash, count: Number(last.seq), at: last.at.toISOString(), keyedFromSeq: 1 });
    expect(signedWith(document, await checkpointPublicKey())).toBe(true);
    expect(signedWith(document, (await commandSigningKey()).publicKeyPem)).toBe(false);
  });

  it("counts for verification only what the checkpoint key signed: a checkpoint signed with the command key, or anything else in the folder, is reported and ignored", async () => {
    const dir = folder();
    const round = await publishAuditCheckpoints([fileSink(dir)], newPublisherMemory());
    const genuine = JSON.parse(readFileSync(path.join(dir, checkpointFileName(round.headSeq)), "utf8"));
    const { privateKey, publicKeyPem } = await commandSigningKey();
    const commandKeyId = checkpointKeyId(createPublicKey(publicKeyPem));
    // Newer "checkpoints" claiming the chain reached further than it did: they would expose a removed tail that never was.
    const claim = { ...genuine, seq: round.headSeq + 5, count: round.headSeq + 5, hash: "f".repeat(64) };
    writeFileSync(path.join(dir, checkpointFileName(round.headSeq + 5)), JSON.stringify(signCheckpoint(claim, privateKey, commandKeyId)));
    const further = { ...claim, seq: round.headSeq + 6, count: round.headSeq + 6 };
    writeFileSync(path.join(dir, checkpointFileName(round.headSeq + 6)), JSON.stringify(signCheckpoint(further, privateKey, genuine.keyId)));
    writeFileSync(path.join(dir, checkpointFileName(round.headSeq + 7)), "{ not json");
    const result = await verifyAuditChain(db(), undefined, [fileSink(dir)]);
    expect(result).toMatchObject({ intact: true, published: { compared: [{ source: "file", seq: round.headSeq, matches: true }], unreadable: [] } });
    expect(result.published.rejected).toEqual([
      { source: "file", reason: "document 1 from the newest is not an audit checkpoint" },
      { source: "file", reason: `the checkpoint at #${round.headSeq + 6} has a signature that does not verify` },
      { source: "file", reason: `the checkpoint at #${round.headSeq + 5} is signed by key ${commandKeyId}, not the audit checkpoint key ${genuine.keyId}` },
    ]);
  });

  it("refuses a folder that is not there rather than create it on this machine's disk", async () => {
    const missing = path.join(folder(), "not-mounted");
    const round = await publishAuditCheckpoints([fileSink(missing)], newPublisherMemory());
    expect(round.failures.file).toMatch(/not-mounted is not a folder \(is its volume mounted\?\)/);
    expect(round.published).toEqual([]);
  });

  it("POSTs each checkpoint to a webhook with its token, once per new head", async () => {
    const received: { method: string | undefined; authorization: string | undefined; body: Record<string, unknown> }[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ method: request.method, authorization: request.headers.authorization, body: JSON.parse(body) });
        response.writeHead(204).end();
      });
    });
    const url = await listenLocally(server);
    try {
      const memory = newPublisherMemory();
      const sinks = [webhookSink(new URL(`${url}/audit`), "hook-token")];
      await publishAuditCheckpoints(sinks, memory);
      await publishAuditCheckpoints(sinks, memory);
      await recordAuditEvent(event(10));
      await publishAuditCheckpoints(sinks, memory);
      expect(received.map((delivery) => `${delivery.method} ${delivery.authorization}`)).toEqual(["POST Bearer hook-token", "POST Bearer hook-token"]);
      expect(received[1]!.body).toMatchObject({ seq: Number((await head()).seq), hash: (await head()).hash });
      const key = await checkpointPublicKey();
      expect(received.every((delivery) => signedWith(delivery.body, key))).toBe(true);
    } finally {
      server.close();
    }
  });

  it("PUTs each checkpoint and latest.json to S3, signed with Signature V4 as S3 verifies it, and reads the latest back", async () => {
    const sink = s3Sink({ baseUrl: new URL(`${s3.url}/audit-bucket/switchyard/`), region: "us-east-1", credentials: S3_CREDENTIALS });
    const round = await publishAuditCheckpoints([sink], newPublisherMemory());
    expect(round).toMatchObject({ published: ["s3"], failures: {} });
    const seq = String(round.headSeq).padStart(20, "0");
    expect(s3.log).toEqual([
      // A first round compares the chain with what the bucket already holds: nothing yet (but the signed GET was accepted).
      { method: "GET", path: "/audit-bucket/switchyard/latest.json", status: 404, code: "NoSuchKey" },
      { method: "PUT", path: `/audit-bucket/switchyard/checkpoint-${seq}.json`, status: 200, code: null },
      { method: "PUT", path: "/audit-bucket/switchyard/latest.json", status: 200, code: null },
    ]);
    const stored = JSON.parse(s3.objects.get("/audit-bucket/switchyard/latest.json")!.body);
    expect(stored).toMatchObject({ seq: round.headSeq, hash: (await head()).hash });
    expect(signedWith(stored, await checkpointPublicKey())).toBe(true);
    const readBack = await sink.published!();
    expect(readBack.count).toBe(1);
    expect(await readBack.read(0)).toEqual(stored);
  });

  it("reports a refused S3 upload (a wrong secret) as a failed round, with S3's error code, counted in the metrics", async () => {
    const sink = s3Sink({ baseUrl: new URL(`${s3.url}/audit-bucket/other/`), region: "us-east-1", credentials: { ...S3_CREDENTIALS, secretAccessKey: "wrong" } });
    const round = await publishAuditCheckpoints([sink], newPublisherMemory());
    expect(round.failures.s3).toMatch(/PUT \/audit-bucket\/other\/checkpoint-\d{20}\.json was refused: 403 SignatureDoesNotMatch/);
    expect(s3.objects.has("/audit-bucket/other/latest.json")).toBe(false);
    const { json: text } = await call(metricsRoute, { token: auditorToken });
    expect(text).toMatch(/switchyard_audit_checkpoint_publications_total\{sink="s3",outcome="failure"\} [1-9]/);
    expect(text).toMatch(/switchyard_audit_checkpoint_publications_total\{sink="s3",outcome="success"\} [1-9]/);
  });

  it("are configured from the environment, and a broken setting is named", () => {
    const settings = checkpointSinkSettings({
      SWITCHYARD_AUDIT_CHECKPOINT_DIR: "/mnt/audit",
      SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK: "https://hooks.example/audit",
      SWITCHYARD_AUDIT_CHECKPOINT_S3_URL: "https://s3.eu-west-1.amazonaws.com/bucket/prefix",
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "secret",
      SWITCHYARD_AUDIT_CHECKPOINT_INTERVAL_SECONDS: "300",
    });
    expect(settings).toMatchObject({ dir: "/mnt/audit", webhook: { token: null }, s3: { region: "eu-west-1", credentials: { accessKeyId: "AKID" } }, intervalMs: 300_000 });
    expect(settings.s3!.baseUrl.href).toBe("https://s3.eu-west-1.amazonaws.com/bucket/prefix/");
    expect(() => checkpointSinkSettings({ SWITCHYARD_AUDIT_CHECKPOINT_S3_URL: "https://minio.local:9000/b/" })).toThrow(/without credentials/);
    expect(() => checkpointSinkSettings({ SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK: "ftp://x" })).toThrow(/SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK: ftp:\/\/x is not an http\(s\) URL/);
    expect(() => checkpointSinkSettings({ SWITCHYARD_AUDIT_CHECKPOINT_INTERVAL_SECONDS: "1" })).toThrow(/5 to 86400/);
  });
});

describe("the publisher as a background job, and a removed tail", () => {
  it("runs from the environment, records its round for the alert evaluator; a deleted tail is then caught by the published checkpoint, naming the last intact seq", async () => {
    const dir = folder();
    process.env.SWITCHYARD_AUDIT_CHECKPOINT_DIR = dir;
    const lines: string[] = [];
    const job = auditCheckpointJob((line) => lines.push(line))!;
    expect(job.everyMs).toBe(60_000);
    await job.run();
    const published = await head();
    expect(readdirSync(dir)).toContain(`checkpoint-${String(published.seq).padStart(20, "0")}.json`);
    const progress = await db().loopProgress.findUniqueOrThrow({ where: { name: AUDIT_CHECKPOINT_PROGRESS } });
    expect(progress).toMatchObject({ subjects: 1, failures: {} });
    expect(progress.lastPassAt).not.toBeNull();
    expect((await decideAlerts()).changes.filter((change) => change.kind === "open" && change.ruleId.startsWith("audit-"))).toEqual([]);

    // Whoever can write the store removes the last three events. The chain alone still links up.
    const kept = published.seq - 3n;
    await deleteAfter(kept);
    const first = await call(verifyRoute, { token: auditorToken });
    expect(first.json).toMatchObject({
      intact: false,
      problem: "checkpoint_mismatch",
      brokenAtSeq: Number(kept) + 1,
      intactThroughSeq: Number(kept),
      published: { compared: [{ source: "file", seq: Number(published.seq), matches: false, foundHash: null }] },
    });
    expect(first.json.published.compared[0].reason).toBe(
      `event #${published.seq} is no longer in the trail: the trail ends at #${kept}, so the events after it were removed`,
    );

    // The control plane goes on appending (that verification was recorded, and more): the seqs are taken again,
    // by events recorded after the checkpoint, which is how the comparison still finds where the removal began.
    for (let n = 0; n < 4; n++) await recordAuditEvent(event(20 + n));
    const again = await call(verifyRoute, { token: auditorToken });
    expect(again.json).toMatchObject({ intact: false, problem: "checkpoint_mismatch", brokenAtSeq: Number(kept) + 1, intactThroughSeq: Number(kept) });
    expect(again.json.published.compared[0]).toMatchObject({ matches: false, foundHash: expect.any(String) });
    expect(again.json.published.compared[0].reason).toMatch(new RegExp(`event #${Number(kept) + 1} was recorded after the checkpoint was taken`));

    // The next round finds it too (without remembering anything: a fresh copy reads the folder), publishes nothing, and the alert opens.
    const next = auditCheckpointJob((line) => lines.push(line))!;
    await next.run();
    expect(readdirSync(dir)).toHaveLength(1);
    expect(lines.at(-1)).toMatch(new RegExp(`audit checkpoints: The audit chain no longer matches the checkpoint published to file at #${published.seq}: .*; it verifies through #${kept} only\\.`));
    const broken = await db().loopProgress.findUniqueOrThrow({ where: { name: AUDIT_CHECKPOINT_PROGRESS } });
    expect((broken.failures as Record<string, string>).chain).toMatch(/no longer matches/);
    const opened = (await decideAlerts()).changes.filter((change) => change.kind === "open" && change.ruleId.startsWith("audit-"));
    expect(new Set(opened.map((change) => change.kind === "open" && change.ruleId))).toEqual(new Set(["audit-chain-broken", "audit-checkpoints-unpublished"]));
    const { json: text } = await call(metricsRoute, { token: auditorToken });
    expect(text).toMatch(/switchyard_audit_checkpoint_rounds_total\{outcome="chain_broken"\} [1-9]/);
  });
});
