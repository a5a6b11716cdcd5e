import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as acknowledgeRoute } from "@/app/api/v1/alerts/[id]/acknowledge/route";
import { GET as alertsRoute } from "@/app/api/v1/alerts/route";
import { GET as exportRoute } from "@/app/api/v1/audit/export/route";
import { GET as fleetRoute } from "@/app/api/v1/fleet/route";
import { POST as enrollmentTokensRoute } from "@/app/api/v1/replicas/[id]/enrollment-tokens/route";
import { DELETE as revokeTokenRoute } from "@/app/api/v1/auth/tokens/[id]/route";
import { GET as listTokensRoute } from "@/app/api/v1/auth/tokens/route";
import { POST as planRoute } from "@/app/api/v1/runbooks/[id]/plan/route";
import { POST as startRunRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { GET as serviceRoute } from "@/app/api/v1/services/[id]/route";
import { GET as writeRouteRoute } from "@/app/api/v1/services/[id]/route/route";
import { GET as silencesRoute, POST as createSilenceRoute } from "@/app/api/v1/silences/route";
import { POST as expireSilenceRoute } from "@/app/api/v1/silences/[id]/expire/route";
import { fleetOverviewSchema } from "@/contracts/fleet-overview";
import { OPERATIONS } from "@/contracts/operations";
import type { Io } from "@/cli/command";
import { runCli } from "@/cli/main";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { SPREADSHEET_SAFE_NOTE } from "@/core/audit/csv";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import * as escalationPolicies from "@/app/api/v1/escalation-policies/route";
import * as onCallSchedules from "@/app/api/v1/oncall/schedules/route";
import { POST as assignEscalation } from "@/app/api/v1/services/[id]/escalation-policy/route";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { createTestUser, tokenFor } from "../support/api";
import { ApiServer } from "../support/api-server";
import { parseCsv } from "../support/csv";

/**
 * The CLI's own entry function against the product's route handlers served
 * over real HTTP: what an on-call engineer types, what the server answers,
 * what lands on stdout and stderr, and the exit code.
 */
const server = new ApiServer([
  { op: OPERATIONS.fleetOverview, handler: fleetRoute },
  { op: OPERATIONS.getService, handler: serviceRoute },
  { op: OPERATIONS.getWriteRoute, handler: writeRouteRoute },
  { op: OPERATIONS.listAlerts, handler: alertsRoute },
  { op: OPERATIONS.acknowledgeAlert, handler: acknowledgeRoute },
  { op: OPERATIONS.listSilences, handler: silencesRoute },
  { op: OPERATIONS.createSilence, handler: createSilenceRoute },
  { op: OPERATIONS.expireSilence, handler: expireSilenceRoute },
  { op: OPERATIONS.planRunbook, handler: planRoute },
  { op: OPERATIONS.startRun, handler: startRunRoute },
  { op: OPERATIONS.exportAuditEvents, handler: exportRoute },
  { op: OPERATIONS.issueEnrollmentToken, handler: enrollmentTokensRoute },
  { op: OPERATIONS.listTokens, handler: listTokensRoute },
  { op: OPERATIONS.revokeToken, handler: revokeTokenRoute },
  { op: OPERATIONS.listOnCallSchedules, handler: onCallSchedules.GET },
  { op: OPERATIONS.createOnCallSchedule, handler: onCallSchedules.POST },
  { op: OPERATIONS.listEscalationPolicies, handler: escalationPolicies.GET },
  { op: OPERATIONS.createEscalationPolicy, handler: escalationPolicies.POST },
  { op: OPERATIONS.assignEscalationPolicy, handler: assignEscalation },
]);

let operator: string;
let viewer: string;
let auditor: string;
let admin: string;

interface Outcome {
  code: number;
  out: string;
  err: string;
  chunks: number;
}

async function cli(token: string | null, ...argv: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const decoder = new TextDecoder();
  let chunks = 0;
  const io: Io = {
    out: (text) => out.push(`${text}\n`),
    err: (text) => err.push(`${text}\n`),
    outBytes: async (chunk) => {
      chunks += 1;
      out.push(decoder.decode(chunk, { stream: true }));
    },
    sleep: async () => {},
    now: () => new Date(),
  };
  const env = { SWITCHYARD_URL: server.url, ...(token ? { SWITCHYARD_TOKEN: token } : {}) };
  const code = await runCli(argv, { io, env });
  return { code, out: out.join(""), err: err.join(""), chunks };
}

beforeAll(async () => {
  await seedDemoTopology(db());
  await server.start();
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  viewer = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
  auditor = await tokenFor((await createTestUser("auditor@example.com", ["auditor"])).id);
  admin = await tokenFor((await createTestUser("admin@example.com", ["admin"])).id);
});

afterAll(async () => {
  await server.stop();
});

describe("switchyard CLI against the real API", () => {
  it("oncall-schedule, escalation-policy and assign-escalation set up paging; oncall and escalation-policies show it; bad levels are refused naming the field", async () => {
    const created = await cli(operator, "oncall-schedule", "cli rotation", "--person", "operator@example.com", "--person", "viewer@example.com", "--zone", "Europe/Berlin", "--start", "2026-12-07", "--json");
    expect(created.err).toBe("");
    const scheduleId = JSON.parse(created.out).id as string;
    const policy = await cli(operator, "escalation-policy", "cli policy", "--level", "5:operator@example.com", "--level", `10:schedule:${scheduleId}`, "--json");
    expect(policy.err).toBe("");
    const policyId = JSON.parse(policy.out).id as string;
    expect(await cli(operator, "assign-escalation", "orders-db", policyId)).toMatchObject({ code: 0, out: 'orders-db is paged by "cli policy".\n' });
    expect((await cli(viewer, "escalation-policies")).out).toMatch(/cli policy \(\S+\) — orders-db\n  1\. operator@example\.com; escalates after 5 min\n  2\. schedule "cli rotation"/);
    expect((await cli(viewer, "oncall")).out).toMatch(/cli rotation\s+weekly 09:00 Europe\/Berlin/);
    // The CLI checks the body against the same contract before sending: a usage error (exit 2), nothing sent.
    expect(await cli(operator, "escalation-policy", "empty", "--level", "0:operator@example.com")).toMatchObject({ code: 2, err: expect.stringContaining("levels.0.timeoutMinutes: must be at least 1 minute") });
    expect(await cli(viewer, "escalation-policy", "nope", "--level", "5:operator@example.com")).toMatchObject({ code: 1, err: expect.stringContaining("oncall:manage") });
  });

  it("tokens lists the caller's tokens with their scopes and expiry; revoke-token retires the token it runs with, and no other", async () => {
    const userId = (await db().user.findUniqueOrThrow({ where: { email: "viewer@example.com" } })).id;
    const scripted = await tokenFor(userId, { scopes: ["read"], expiresInDays: 7 });
    const { code, out, err } = await cli(scripted, "tokens");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/^ID\s+NAME\s+TOKEN\s+OWNER\s+SCOPES\s+EXPIRES \(UTC\)\s+LAST USED\s+STATE$/m);
    const mine = await db().apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
    const [newest, older] = mine;
    expect(out).toMatch(new RegExp(`^${newest!.id}\\s+test\\s+sy_\\S+…\\s+viewer@example\\.com\\s+read\\s+${newest!.expiresAt.toISOString().slice(0, 10)} .*active$`, "m"));

    expect(await cli(scripted, "revoke-token", older!.id)).toMatchObject({ code: 1, err: expect.stringContaining("An API token can revoke only itself") });
    expect(await cli(scripted, "revoke-token", newest!.id)).toMatchObject({ code: 0, out: expect.stringMatching(/^Revoked test \(sy_\S+…, scopes read\) at /) });
    expect((await cli(scripted, "tokens")).code).toBe(1);
  });

  it("enroll-token issues a token for a replica named by service and name, with the command line to run on its host", async () => {
    const { code, out, err } = await cli(admin, "enroll-token", "orders-db/pg-eu-west-1", "--expires-in", "30m");
    expect(err).toBe("");
    expect(code).toBe(0);
    const token = /^ {2}(sye_\S+)$/m.exec(out)![1]!;
    const stored = await db().enrollmentToken.findFirstOrThrow({ orderBy: { createdAt: "desc" }, include: { replica: true } });
    expect(stored.replica.name).toBe("pg-eu-west-1");
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBeGreaterThan(29 * 60_000);
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBeLessThanOrEqual(31 * 60_000);
    const fingerprint = commandKeyFingerprint((await commandSigningKey()).publicKeyPem);
    expect(out).toContain(`SWITCHYARD_ENROLLMENT_TOKEN=${token} switchyard-agent enroll --control-plane ${server.url} --expect-fingerprint ${fingerprint} --postgres`);

    expect(await cli(admin, "enroll-token", "orders-db/pg-nowhere")).toMatchObject({ code: 2, err: expect.stringContaining("orders-db has no replica named pg-nowhere") });
    expect(await cli(admin, "enroll-token", "orders-db/pg-eu-west-1", "--expires-in", "8d")).toMatchObject({ code: 2, err: expect.stringContaining("expiresInSeconds") });
    expect((await cli(operator, "enroll-token", "orders-db/pg-eu-west-1")).code).toBe(1);
  });

  it("status prints the seeded fleet: each service's write region and each region", async () => {
    const { code, out, err } = await cli(viewer, "status");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/^SERVICE\s+WRITE REGION\s+HEALTH\s+WORST LAG/m);
    expect(out).toMatch(/^orders-db\s+aws:us-east-1\s+unknown/m);
    for (const region of ["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"]) expect(out).toMatch(new RegExp(`^${region}\\s+unknown\\s+1 unknown`, "m"));
  });

  it("service orders-db lists its replicas with role, region and when they last reported", async () => {
    const { code, out } = await cli(viewer, "service", "orders-db");
    expect(code).toBe(0);
    expect(out).toContain("orders-db (postgresql) — writes to pg-us-east-1 in aws:us-east-1, epoch 1");
    expect(out).toMatch(/^pg-us-east-1\s+aws:us-east-1\s+primary\s+sync\s+unknown/m);
    expect(out).toMatch(/^pg-eu-west-1\s+aws:eu-west-1\s+standby\s+sync\s+unknown.*never$/m);
    expect(out).toMatch(/^pg-europe-west3\s+gcp:europe-west3\s+standby\s+async/m);
    expect((await cli(viewer, "route", "orders-db")).out).toMatch(/^orders-db\s+aws:us-east-1\s+pg-us-east-1\s+postgresql:\/\/\S+\s+1$/m);
  });

  it("route prints the libpq connection string; route --read says where to read, or why nowhere, and names a missing option", async () => {
    expect((await cli(viewer, "route", "orders-db")).out).toMatch(
      /^Connection string \(libpq, fails over by itself\): postgresql:\/\/127\.0\.0\.1:14431,127\.0\.0\.1:14432,127\.0\.0\.1:14433\/orders\?target_session_attrs=read-write$/m,
    );
    // No agent has reported here: no replica is current, and the answer says so of each.
    const read = await cli(viewer, "route", "orders-db", "--read", "--near", "aws:eu-west-1", "--max-lag-seconds", "5");
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/^No replica may serve reads near aws:eu-west-1 within 5 s of lag: /m);
    expect(read.out).toMatch(/^pg-eu-west-1\s+aws:eu-west-1\s+standby\s+—\s+0 ms\s+read-report-current: pg-eu-west-1's agent has not reported yet$/m);
    const missing = await cli(viewer, "route", "orders-db", "--read", "--max-lag-seconds", "5");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("near");
  });

  it("--json prints the answer itself, which parses with the contract schema", async () => {
    const { code, out } = await cli(viewer, "--json", "status");
    expect(code).toBe(0);
    const overview = fleetOverviewSchema.parse(JSON.parse(out));
    expect(overview.services.map((service) => service.id)).toEqual(["orders-db"]);
  });

  it("alerts lists a firing alert; ack acknowledges it with the note, and a second ack gets the server's 409", async () => {
    const replica = await db().replica.findFirstOrThrow({ where: { name: "pg-europe-west3" } });
    const now = new Date();
    const alert = await db().alert.create({
      data: {
        ruleId: "replica-unreachable",
        subjectKey: `replica:${replica.id}`,
        subjectLabel: replica.name,
        serviceId: "orders-db",
        replicaId: replica.id,
        severity: "critical",
        state: "firing",
        sentence: "pg-europe-west3 does not answer its agent",
        startedAt: now,
        lastSeenAt: now,
        firedAt: now,
      },
    });
    const listed = await cli(viewer, "alerts", "--state", "pending,firing", "--service", "orders-db");
    expect(listed.code).toBe(0);
    expect(listed.out).toContain("1 firing, 0 pending, 0 resolved");
    expect(listed.out).toMatch(new RegExp(`^${alert.id}\\s+firing\\s+critical\\s+orders-db\\s+pg-europe-west3\\s+.*pg-europe-west3 does not answer its agent$`, "m"));
    expect((await cli(viewer, "alerts", "--state", "resolved")).out).toContain("No alerts match.");

    const tooShort = await cli(operator, "ack", alert.id, "--note", " ");
    expect(tooShort).toMatchObject({ code: 2, err: "switchyard ack: note: say what you are doing about it (at least 3 characters)\n" });

    const acked = await cli(operator, "ack", alert.id, "--note", "restarting the europe-west3 host");
    expect(acked.err).toBe("");
    expect(acked.out).toContain("by operator@example.com: restarting the europe-west3 host");
    expect(await db().alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ acknowledgedBy: "operator@example.com", acknowledgeNote: "restarting the europe-west3 host" });
    expect((await cli(viewer, "alerts")).out).toContain("ack by operator@example.com");

    const again = await cli(operator, "ack", alert.id, "--note", "me too");
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^switchyard ack: .*already acknowledged by operator@example\.com.* \(HTTP 409, conflict\)\n$/);
  });

  it("silence mutes the firing alert for a while (shown by silences and alerts), refused without an end; expire-silence ends it", async () => {
    const noEnd = await cli(operator, "silence", "--service", "orders-db", "--reason", "rebuilding the host");
    expect(noEnd.code).toBe(2);
    expect(noEnd.err).toContain("endsAt: a silence needs an expiry");
    const unknown = await cli(operator, "silence", "--service", "nope-db", "--for", "2h", "--reason", "rebuilding the host");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/serviceId: no service nope-db.*\(HTTP 400/);
    expect(await db().silence.count()).toBe(0);

    const created = await cli(operator, "silence", "--service", "orders-db", "--rule", "replica-unreachable", "--for", "2h", "--reason", "rebuilding the europe-west3 host");
    expect(created.err).toBe("");
    const silence = await db().silence.findFirstOrThrow();
    expect(silence.endsAt.getTime() - silence.startsAt.getTime()).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(created.out).toContain(`Silence ${silence.id} (service=orders-db rule=replica-unreachable): active`);
    expect(created.out).toContain("Mutes now: replica-unreachable pg-europe-west3.");
    expect((await cli(viewer, "silences")).out).toMatch(new RegExp(`^${silence.id}\\s+active\\s+service=orders-db rule=replica-unreachable.*replica-unreachable pg-europe-west3$`, "m"));
    expect((await cli(viewer, "alerts", "--service", "orders-db")).out).toContain(`[silenced by ${silence.id} until`);

    const expired = await cli(operator, "expire-silence", silence.id);
    expect(expired.out).toContain("expired at");
    expect((await cli(operator, "expire-silence", silence.id)).code).toBe(1);
  });

  it("plan prints every step with its targets and checks, and the blockers", async () => {
    const { code, out } = await cli(viewer, "plan", "planned-switchover", "service=orders-db", "to_region=aws:eu-west-1", "reason=kernel patching on us-east-1");
    expect(code).toBe(0);
    expect(out).toContain("Dry run of planned-switchover: primary pg-us-east-1 → target pg-eu-west-1");
    expect(out).toMatch(/^\d+\s+fence-primary\s+\S+\s+pg-us-east-1/m);
    expect(out).toMatch(/^\d+\s+promote-target\s+\S+\s+pg-eu-west-1/m);
    expect(out).toContain("✓ every dataset may live in aws:eu-west-1 (EU)");
    expect(out).toContain("  - The target streams from the primary: pg-eu-west-1 is not streaming (WAL receiver absent, health unknown)");
  });

  it("a viewer's run gets the server's 403 message and exit 1, with no stack trace", async () => {
    const { code, out, err } = await cli(viewer, "run", "planned-switchover", "service=orders-db", "to_region=aws:eu-west-1", "reason=kernel patching");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toBe("switchyard run: Your roles (viewer) do not include the permission runs:operate. (HTTP 403, forbidden)\n");
    expect(await db().run.count()).toBe(0);
  });

  it("usage mistakes exit 2 with one line naming them, before anything is sent", async () => {
    expect(await cli(null, "status")).toMatchObject({ code: 2, out: "", err: expect.stringMatching(/^No API token: set SWITCHYARD_TOKEN \(or SWITCHYARD_TOKEN_FILE\), or pass --token-file\..*\n$/) });
    expect(await cli(viewer, "stauts")).toMatchObject({ code: 2, err: 'switchyard: unknown command "stauts"; see switchyard help\n' });
    expect(await cli(viewer, "plan", "planned-switchover", "orders-db")).toMatchObject({ code: 2, err: expect.stringContaining('"orders-db" is not a parameter') });
    expect(await cli(viewer, "alerts", "--state", "burning")).toMatchObject({ code: 2, err: expect.stringMatching(/^switchyard alerts: state\.0: /) });
    expect((await cli(null, "plan", "--help")).out).toContain("switchyard plan planned-switchover service=orders-db");
  });

  it("audit export --format csv streams the rows with seq and hash", async () => {
    const { code, out, err, chunks } = await cli(auditor, "audit", "export", "--format", "csv");
    expect(err.trim()).toBe(SPREADSHEET_SAFE_NOTE);
    expect(code).toBe(0);
    expect(chunks).toBeGreaterThan(0);
    const [header, ...rows] = parseCsv(out);
    const seq = header!.indexOf("seq");
    const hash = header!.indexOf("hash");
    expect(seq).toBeGreaterThanOrEqual(0);
    expect(rows.length).toBe(await db().auditEvent.count({ where: { action: { not: "audit.export" } } }));
    expect(rows.map((row) => Number(row[seq]))).toEqual(rows.map((_, index) => index + 1));
    for (const row of rows) expect(row[hash]).toMatch(/^[0-9a-f]{64}$/);
    expect(await cli(viewer, "audit", "export", "--format", "csv")).toMatchObject({ code: 1, err: expect.stringContaining("(HTTP 403, forbidden)") });
    expect(await cli(auditor, "audit", "export", "--format", "xml")).toMatchObject({ code: 2, err: expect.stringMatching(/^switchyard audit: format: /) });
  });
});
