import { createPublicKey } from "node:crypto";
import { jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as commandKeyRoute } from "@/app/api/v1/agents/command-key/route";
import { POST as resultRoute } from "@/app/api/v1/agents/commands/[id]/result/route";
import { GET as pollRoute } from "@/app/api/v1/agents/commands/route";
import { agentCommandClaimsSchema } from "@/contracts/agent-commands";
import { registerAgent } from "@/server/agents/register-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { issueCommand } from "@/server/commands/issue-command";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";

const agents: Record<string, { id: string; name: string; token: string; replicaId: string }> = {};
let viewerToken: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  for (const name of ["pg-us-east-1", "pg-eu-west-1"]) {
    const replica = await db().replica.findFirstOrThrow({ where: { name } });
    const issued = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
    agents[name] = { id: issued.agent.id, name: issued.agent.name, token: issued.token, replicaId: replica.id };
  }
  viewerToken = await tokenFor((await createTestUser("viewer@example.com", ["viewer"])).id);
});

const poll = (agent: string, waitSeconds = 0) => call(pollRoute, { token: agents[agent]!.token, path: `/api/v1/agents/commands?waitSeconds=${waitSeconds}` });
const report = (agent: string, id: string, body: unknown) => call(resultRoute, { method: "POST", token: agents[agent]!.token, params: { id }, body });

describe("agent commands", () => {
  it("are signed with the control plane's Ed25519 key for one agent, replica and epoch", async () => {
    const command = await issueCommand({ replicaId: agents["pg-us-east-1"]!.replicaId, kind: "fence", args: {}, idempotencyKey: "fence-1", actor: SYSTEM_ACTOR });
    const { status, json } = await poll("pg-us-east-1");
    expect(status).toBe(200);
    expect(json.commands).toEqual([{ id: command.id, token: command.token }]);

    const { json: key } = await call(commandKeyRoute, { token: viewerToken });
    const { payload, protectedHeader } = await jwtVerify(json.commands[0].token, createPublicKey(key.publicKey), {
      algorithms: ["EdDSA"],
      issuer: "switchyard",
      audience: "agent-pg-us-east-1",
    });
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(agentCommandClaimsSchema.parse(payload)).toMatchObject({
      jti: command.id,
      kind: "fence",
      args: { terminateSessions: true },
      serviceId: "orders-db",
      replica: "pg-us-east-1",
      epoch: 1,
    });
    expect(await db().auditEvent.count({ where: { action: "agent.command_issue", targetId: agents["pg-us-east-1"]!.replicaId } })).toBe(1);
  });

  it("are issued once per idempotency key, and handed out again until answered", async () => {
    const again = await issueCommand({ replicaId: agents["pg-us-east-1"]!.replicaId, kind: "fence", args: {}, idempotencyKey: "fence-1", actor: SYSTEM_ACTOR });
    expect(await db().agentCommand.count({ where: { idempotencyKey: "fence-1" } })).toBe(1);
    expect((await poll("pg-us-east-1")).json.commands.map((c: { id: string }) => c.id)).toEqual([again.id]);
  });

  it("are invisible to other agents, which cannot answer them either", async () => {
    const [command] = (await poll("pg-us-east-1")).json.commands;
    expect((await poll("pg-eu-west-1")).json.commands).toEqual([]);
    const { status } = await report("pg-eu-west-1", command.id, { status: "succeeded", output: { finalLsn: "1", terminatedSessions: 0 }, error: null, agentEpoch: 1 });
    expect(status).toBe(404);
  });

  it("refuse an output that does not fit the command's kind, recording nothing", async () => {
    const [command] = (await poll("pg-us-east-1")).json.commands;
    const { status, json } = await report("pg-us-east-1", command.id, { status: "succeeded", output: { lsn: "5" }, error: null, agentEpoch: 1 });
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/fence/);
    expect((await db().agentCommand.findUniqueOrThrow({ where: { id: command.id } })).status).toBe("delivered");
  });

  it("take one result, audited with the agent as actor; a second is a conflict", async () => {
    const [command] = (await poll("pg-us-east-1")).json.commands;
    const result = { status: "succeeded", output: { finalLsn: "50331744", terminatedSessions: 3 }, error: null, agentEpoch: 1 };
    expect((await report("pg-us-east-1", command.id, result)).status).toBe(200);
    expect(await db().agentCommand.findUniqueOrThrow({ where: { id: command.id } })).toMatchObject({ status: "succeeded", output: result.output });
    expect(await db().auditEvent.findFirst({ where: { action: "agent.command_result" } })).toMatchObject({ actorType: "agent", actorLabel: "agent-pg-us-east-1", outcome: "success" });
    expect((await poll("pg-us-east-1")).json.commands).toEqual([]);
    expect((await report("pg-us-east-1", command.id, result)).status).toBe(409);
  });

  it("wake a waiting long-poll when one is issued", async () => {
    const waiting = poll("pg-eu-west-1", 15);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const command = await issueCommand({ replicaId: agents["pg-eu-west-1"]!.replicaId, kind: "checkpoint", args: {}, idempotencyKey: "checkpoint-1", actor: SYSTEM_ACTOR });
    expect((await waiting).json.commands).toEqual([{ id: command.id, token: command.token }]);
  });

  it("expire: an agent never gets a command past its deadline", async () => {
    await report("pg-eu-west-1", (await poll("pg-eu-west-1")).json.commands[0].id, { status: "succeeded", output: { lsn: "1" }, error: null, agentEpoch: 1 });
    const command = await issueCommand({ replicaId: agents["pg-eu-west-1"]!.replicaId, kind: "unfence", args: {}, idempotencyKey: "unfence-1", actor: SYSTEM_ACTOR, ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await poll("pg-eu-west-1")).json.commands).toEqual([]);
    expect((await db().agentCommand.findUniqueOrThrow({ where: { id: command.id } })).status).toBe("expired");
  });

  it("need an agent on the replica, and valid arguments", async () => {
    const bare = await db().replica.findFirstOrThrow({ where: { name: "pg-europe-west3" } });
    await expect(issueCommand({ replicaId: bare.id, kind: "checkpoint", args: {}, idempotencyKey: "x-1", actor: SYSTEM_ACTOR })).rejects.toThrow(/has no active agent/);
    await expect(
      issueCommand({ replicaId: agents["pg-eu-west-1"]!.replicaId, kind: "repoint", args: { host: "", port: 0, slotName: null }, idempotencyKey: "x-2", actor: SYSTEM_ACTOR }),
    ).rejects.toThrow();
    expect(await db().agentCommand.count({ where: { idempotencyKey: { in: ["x-1", "x-2"] } } })).toBe(0);
  });
});
