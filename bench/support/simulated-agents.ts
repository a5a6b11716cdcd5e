import { decodeJwt } from "jose";
import { agentCommandClaimsSchema, type AgentCommandClaims } from "@/contracts/agent-commands";
import type { AgentReport } from "@/contracts/agent-reports";

/**
 * Agents of simulated services that take commands, for benchmarks of runs
 * and plans: each speaks the agent API as a real agent does (reports every
 * `reportEveryMs`, long-polls its commands, answers each once), over a
 * service whose state (who is primary, the WAL position, fenced or not)
 * changes as the commands say. The control plane cannot tell them from real
 * agents; nothing here reads or writes its store.
 */

export interface SimulatedReplica {
  name: string;
  regionId: string;
  token: string;
}

interface ServiceState {
  primary: string;
  lsn: number;
  timeline: number;
  fenced: boolean;
  replicas: SimulatedReplica[];
}

const WAL_PER_REPORT = 4096;

function reportOf(state: ServiceState, replica: SimulatedReplica, seq: number): AgentReport {
  const now = new Date().toISOString();
  const lsn = String(state.lsn);
  const others = state.replicas.filter((other) => other.name !== state.primary);
  const synchronous = others[0]?.name ?? null;
  const peers = state.replicas.filter((other) => other.name !== replica.name).map((other) => ({ replica: other.name, regionId: other.regionId, reachable: true, rttMs: 1, error: null }));
  const base = { seq, observedAt: now, engine: "postgresql" as const, reachable: true, error: null, queryLatencyMs: 0.5, timeline: state.timeline, slots: [], conflicts: { recovery: 0, logical: 0 }, peers };
  if (replica.name === state.primary) {
    return {
      ...base,
      role: "primary",
      lsn: { current: lsn, received: null, replayed: null },
      lag: { bytes: null, seconds: null },
      walReceiver: null,
      standbys: others.map((other) => ({
        applicationName: other.name,
        clientAddr: "127.0.0.1",
        state: "streaming",
        syncState: other.name === synchronous ? "sync" : "async",
        sentLsn: lsn,
        writeLsn: lsn,
        flushLsn: lsn,
        replayLsn: lsn,
        writeLagSeconds: 0,
        flushLagSeconds: 0,
        replayLagSeconds: 0,
        replayLagBytes: 0,
      })),
      settings: { synchronous_commit: "on", synchronous_standby_names: synchronous ? `FIRST 1 ("${synchronous}")` : "", default_transaction_read_only: state.fenced ? "on" : "off", transaction_read_only: state.fenced ? "on" : "off" },
    };
  }
  return {
    ...base,
    role: "standby",
    lsn: { current: null, received: lsn, replayed: lsn },
    lag: { bytes: 0, seconds: 0 },
    standbys: [],
    walReceiver: { status: "streaming", senderHost: "127.0.0.1", senderPort: 5432, receivedTli: state.timeline, flushedLsn: lsn, lastMessageAt: now, slotName: null },
    settings: { synchronous_commit: "on", synchronous_standby_names: "", default_transaction_read_only: "off", transaction_read_only: "on" },
  };
}

/** What the replica does with a command, as a healthy PostgreSQL would, and its output. */
function carryOut(state: ServiceState, replica: SimulatedReplica, claims: AgentCommandClaims): { status: "succeeded"; output: Record<string, unknown> } | { status: "refused"; error: string } {
  switch (claims.kind) {
    case "fence":
      state.fenced = true;
      return { status: "succeeded", output: { finalLsn: String(state.lsn), terminatedSessions: 0 } };
    case "unfence":
      state.fenced = false;
      return { status: "succeeded", output: {} };
    case "promote":
      state.primary = replica.name;
      state.fenced = false;
      state.timeline++;
      return { status: "succeeded", output: { timeline: state.timeline, lsn: String(state.lsn) } };
    case "repoint":
      return { status: "succeeded", output: { primaryHost: "127.0.0.1", primaryPort: 5432, slotName: null, rebuilt: null } };
    case "rewind":
      return { status: "succeeded", output: { method: "following", timeline: state.timeline, bytes: null, durationMs: 0, formerDataKeptAt: null, note: null } };
    case "checkpoint":
      return { status: "succeeded", output: { lsn: String(state.lsn) } };
    case "verify-write": {
      const accepted = replica.name === state.primary && !state.fenced;
      return { status: "succeeded", output: { accepted, error: accepted ? null : "cannot execute INSERT in a read-only transaction" } };
    }
    case "sync-standbys": {
      const others = state.replicas.filter((other) => other.name !== state.primary).map((other) => other.name);
      return { status: "succeeded", output: { synchronousStandbyNames: others[0] ? `FIRST 1 ("${others[0]}")` : "", streaming: others } };
    }
    case "script":
      return { status: "refused", error: "the simulated agent runs no scripts" };
  }
}

async function agentCall(url: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
}

/** Starts the agents of one simulated service whose primary is `primary`; stop() ends them. */
export function simulateService(url: string, replicas: SimulatedReplica[], primary: string, reportEveryMs = 500): { stop(): Promise<void>; state: Readonly<ServiceState> } {
  const state: ServiceState = { primary, lsn: 50_000_000, timeline: 1, fenced: false, replicas };
  let running = true;
  const loops = replicas.flatMap((replica) => {
    let seq = 0;
    const reports = (async () => {
      while (running) {
        if (replica.name === state.primary && !state.fenced) state.lsn += WAL_PER_REPORT;
        const response = await agentCall(url, replica.token, "POST", "/api/v1/agents/reports", { sentAt: new Date().toISOString(), agentVersion: "bench", droppedReports: 0, reports: [reportOf(state, replica, ++seq)] });
        if (response.status !== 200) throw new Error(`report of ${replica.name}: ${response.status} ${await response.text()}`);
        await new Promise((resolve) => setTimeout(resolve, reportEveryMs));
      }
    })();
    const commands = (async () => {
      while (running) {
        const response = await agentCall(url, replica.token, "GET", "/api/v1/agents/commands?waitSeconds=1");
        if (response.status !== 200) throw new Error(`commands of ${replica.name}: ${response.status} ${await response.text()}`);
        const { commands: pending } = (await response.json()) as { commands: { id: string; token: string }[] };
        for (const command of pending) {
          const claims = agentCommandClaimsSchema.parse(decodeJwt(command.token));
          const result = carryOut(state, replica, claims);
          const body = result.status === "succeeded" ? { status: "succeeded", output: result.output, error: null, agentEpoch: claims.epoch } : { status: "refused", output: null, error: result.error, agentEpoch: claims.epoch };
          await agentCall(url, replica.token, "POST", `/api/v1/agents/commands/${command.id}/result`, body);
        }
      }
    })();
    return [reports, commands];
  });
  return {
    state,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
