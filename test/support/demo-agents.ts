import type { AgentReport } from "@/contracts/agent-reports";
import { registerAgent } from "@/server/agents/register-agent";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { db } from "@/server/db/client";
import { ingestBatch } from "@/server/ingest/ingest-batch";
import { batchOf, primaryOverrides, standbyReport } from "./reports";

const DEMO_REPLICAS = ["pg-us-east-1", "pg-eu-west-1", "pg-europe-west3"] as const;

/** What a streaming standby that replayed up to `replayed` reports, over standbyReport. */
export const STANDBY = (replayed: string, lagBytes = 0): Partial<AgentReport> => ({ lsn: { current: null, received: replayed, replayed }, lag: { bytes: lagBytes, seconds: 0 } });

/**
 * orders-db's three agents as engine tests stand them in: registered on the
 * seeded replicas, each report through the ingest path with its own
 * sequence number.
 */
export function demoAgents() {
  const principals: Record<string, AgentPrincipal> = {};
  const seqs: Record<string, number> = {};
  const report = async (name: string, overrides: Partial<AgentReport>) => {
    seqs[name] = (seqs[name] ?? 0) + 1;
    await ingestBatch(principals[name]!, batchOf([standbyReport(seqs[name]!, overrides)]));
  };
  return {
    principals,
    report,
    async register() {
      for (const name of DEMO_REPLICAS) {
        const replica = await db().replica.findFirstOrThrow({ where: { name } });
        const { agent } = await registerAgent({ replicaId: replica.id, name: `agent-${name}` }, SYSTEM_ACTOR);
        principals[name] = { type: "agent", agentId: agent.id, name: agent.name, replicaId: replica.id, serviceId: "orders-db" };
      }
    },
    /** orders-db healthy, with pg-us-east-1 primary at `lsn` and both standbys caught up. */
    async healthy(lsn = "1000") {
      await report("pg-us-east-1", primaryOverrides(lsn));
      await report("pg-eu-west-1", STANDBY(lsn));
      await report("pg-europe-west3", STANDBY(lsn));
    },
  };
}
