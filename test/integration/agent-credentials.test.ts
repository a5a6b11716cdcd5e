import { beforeAll, describe, expect, it } from "vitest";
import { POST as revokeRoute } from "@/app/api/v1/agents/[id]/revoke/route";
import { POST as rotateRoute } from "@/app/api/v1/agents/[id]/token/route";
import { POST as ingestRoute } from "@/app/api/v1/agents/reports/route";
import { GET as listRoute, POST as registerRoute } from "@/app/api/v1/agents/route";
import type { PeerProbe } from "@/contracts/agent-reports";
import { raceAsConflict } from "@/server/agents/race-as-conflict";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";

let admin: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  admin = await tokenFor((await createTestUser("admin@example.com", ["admin"])).id);
});

async function spareReplica(name: string) {
  return db().replica.create({
    data: { serviceId: "orders-db", regionId: "gcp:europe-west3", name, role: "standby", engine: "postgresql", host: "127.0.0.1", port: 1, databaseName: "orders", replication: "async" },
  });
}

const register = (replicaId: string, name: string) => call(registerRoute, { method: "POST", token: admin, body: { replicaId, name } });
const rotate = (agentId: string) => call(rotateRoute, { method: "POST", token: admin, params: { id: agentId } });
const revoke = (agentId: string) => call(revokeRoute, { method: "POST", token: admin, params: { id: agentId } });
const post = (token: string, seqs: number[], peers: PeerProbe[] = []) =>
  call(ingestRoute, { method: "POST", token, body: batchOf(seqs.map((seq) => standbyReport(seq, { peers }))) });

async function storedSeqs(agentId: string) {
  return (await db().sample.findMany({ where: { agentId }, orderBy: { id: "asc" }, select: { seq: true } })).map((sample) => Number(sample.seq));
}

describe("rotating an agent's token", () => {
  it("lets the agent holding the new token start again at seq 1 with a fresh queue, and refuses the old token", async () => {
    const replica = await spareReplica("pg-rotate-fresh");
    const issued = (await register(replica.id, "agent-rotate-fresh")).json;
    expect((await post(issued.token, [1, 2, 3, 600, 601])).status).toBe(200);

    const rotated = await rotate(issued.agent.id);
    expect(rotated.status).toBe(200);
    expect((await post(issued.token, [602])).status).toBe(401);
    // A new agent process with a fresh queue folder.
    expect((await post(rotated.json.token, [1, 2])).status).toBe(200);
    expect((await post(rotated.json.token, [3])).status).toBe(200);
    // Exactly once still holds once the new baseline is set.
    const again = await post(rotated.json.token, [3]);
    expect(again.status).toBe(409);
    expect(again.json.lastSeq).toBe(3);
    expect(await storedSeqs(issued.agent.id)).toEqual([1, 2, 3, 600, 601, 1, 2, 3]);
  });

  it("lets an agent carry on from its own queue however far a stolen token pushed it, without storing a report twice", async () => {
    const replica = await spareReplica("pg-rotate-carry-on");
    const issued = (await register(replica.id, "agent-rotate-carry-on")).json;
    expect((await post(issued.token, [1, 2])).status).toBe(200);
    expect((await post(issued.token, [3, 4])).status).toBe(200);

    const { token } = (await rotate(issued.agent.id)).json;
    // The answer to [3, 4] was lost: the agent sends it again with its new token.
    const resent = await post(token, [3, 4, 5]);
    expect(resent.status).toBe(409);
    expect(resent.json.lastSeq).toBe(4);
    // Its queue is far ahead (say it counted on during a long outage): the first batch sets the baseline.
    expect((await post(token, [5_000_000, 5_000_001])).status).toBe(200);
    // From then on the bound applies again.
    const stolen = await post(token, [Number.MAX_SAFE_INTEGER]);
    expect(stolen.status).toBe(400);
    expect(stolen.json.error.field).toBe("reports.0.seq");
    expect(await storedSeqs(issued.agent.id)).toEqual([1, 2, 3, 4, 5_000_000, 5_000_001]);
    expect(await db().auditEvent.findFirst({ where: { action: "agent.token_rotate", targetId: issued.agent.id } })).toMatchObject({
      before: { lastSeq: 4 },
      after: { seqBaselinePending: true },
    });
  });
});

describe("replacing a revoked agent", () => {
  it("registers a new agent for the replica and stores its reports; the revoked agent stays listed and refused", async () => {
    const replica = await spareReplica("pg-replaced");
    const first = (await register(replica.id, "agent-replaced-1")).json;
    const usEast = { replica: "pg-us-east-1", regionId: "aws:us-east-1", reachable: false, rttMs: null, error: "timeout" };
    expect((await post(first.token, [1, 2], [usEast])).status).toBe(200);
    expect(await db().witnessLink.count({ where: { fromReplicaId: replica.id } })).toBe(1);

    expect((await register(replica.id, "agent-replaced-2")).status).toBe(409);
    expect((await revoke(first.agent.id)).status).toBe(200);
    // What the revoked agent said as a witness is withdrawn with it.
    expect(await db().witnessLink.count({ where: { fromReplicaId: replica.id } })).toBe(0);

    const second = await register(replica.id, "agent-replaced-2");
    expect(second.status).toBe(201);
    expect((await post(first.token, [3])).status).toBe(401);
    expect((await post(second.json.token, [1, 2], [usEast])).status).toBe(200);
    expect(await storedSeqs(second.json.agent.id)).toEqual([1, 2]);
    expect(await db().replicaState.findUniqueOrThrow({ where: { replicaId: replica.id } })).toMatchObject({ agentId: second.json.agent.id, lastSeq: 2n });
    expect(await db().witnessLink.count({ where: { fromReplicaId: replica.id } })).toBe(1);

    const listed = (await call(listRoute, { token: admin })).json.agents.filter((agent: { replicaId: string }) => agent.replicaId === replica.id);
    expect(listed.map((agent: { name: string; revokedAt: string | null }) => [agent.name, agent.revokedAt === null])).toEqual([
      ["agent-replaced-1", false],
      ["agent-replaced-2", true],
    ]);
    // The store holds a replica to one active agent, so two admins registering at once get a 409, not two agents.
    const racing = db().agent.create({ data: { name: "agent-replaced-3", replicaId: replica.id, tokenHash: "racing", tokenPrefix: "sya_racing" } });
    await expect(raceAsConflict(racing, "raced")).rejects.toMatchObject({ status: 409, message: "raced" });
    // The revoked agent cannot come back while the replica has another.
    const revived = await rotate(first.agent.id);
    expect(revived.status).toBe(409);
    expect(revived.json.error.message).toBe("Replica pg-replaced has agent agent-replaced-2 now; revoke it before re-enabling agent-replaced-1.");
  });
});
