import "server-only";
import { sqlPool } from "../db/sql-pool";
import type { AgentPrincipal } from "../agents/resolve-agent";

/**
 * How long a copy answers a stream's opening from a token it verified
 * before, without asking the store. A token revoked meanwhile may open a
 * stream on that copy for at most this long; nothing is stored through it
 * even then, because the storing statement checks the agent's revocation on
 * every batch and answers 401, which ends the stream.
 */
export const VERIFIED_TOKEN_TTL_MS = 10_000;

/** Most tokens one lookup statement takes: a fleet opening at once waits for a few statements, not thousands. */
export const MAX_TOKENS_PER_LOOKUP = 1_000;

/** The live (unrevoked) agents whose token hashes are among `hashes`, by hash. */
export type TokenLookup = (hashes: readonly string[]) => Promise<Map<string, AgentPrincipal>>;

/**
 * Verifies the tokens of report streams' openings as a group: while one
 * lookup statement runs, the openings that arrive wait and are looked up
 * together by the next, so a fleet opening its streams at once costs the
 * copy and the store a statement per group instead of one per agent; and a
 * token verified within VERIFIED_TOKEN_TTL_MS is not looked up again (a
 * stream replaced at the end of its lifetime, or reopened after a cut).
 * Unknown and revoked tokens are never remembered: each such opening asks
 * the store.
 */
export class StreamOpenings {
  private readonly verified = new Map<string, { agent: AgentPrincipal; until: number }>();
  private waiting = new Map<string, ((agent: AgentPrincipal | null, error?: unknown) => void)[]>();
  private looking = false;

  constructor(
    private readonly lookup: TokenLookup = agentsByTokenHash,
    private readonly now: () => number = Date.now,
  ) {}

  /** The agent whose token hashes to `tokenHash`, or null when it is unknown or revoked. */
  verify(tokenHash: string): Promise<AgentPrincipal | null> {
    const known = this.verified.get(tokenHash);
    if (known && known.until > this.now()) return Promise.resolve(known.agent);
    if (known) this.verified.delete(tokenHash);
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(tokenHash) ?? [];
      waiters.push((agent, error) => (error === undefined ? resolve(agent) : reject(error)));
      this.waiting.set(tokenHash, waiters);
      void this.lookUpWaiting();
    });
  }

  private async lookUpWaiting(): Promise<void> {
    if (this.looking || this.waiting.size === 0) return;
    this.looking = true;
    const group = [...this.waiting].slice(0, MAX_TOKENS_PER_LOOKUP);
    for (const [hash] of group) this.waiting.delete(hash);
    try {
      const found = await this.lookup(group.map(([hash]) => hash));
      const now = this.now();
      const until = now + VERIFIED_TOKEN_TTL_MS;
      // Tokens rotated or revoked since are never asked for again: forget what expired, so the map stays the size of the fleet.
      for (const [hash, known] of this.verified) if (known.until <= now) this.verified.delete(hash);
      for (const [hash, waiters] of group) {
        const agent = found.get(hash) ?? null;
        if (agent) this.verified.set(hash, { agent, until });
        for (const answer of waiters) answer(agent);
      }
    } catch (error) {
      for (const [, waiters] of group) for (const answer of waiters) answer(null, error);
    } finally {
      this.looking = false;
      void this.lookUpWaiting();
    }
  }
}

/** One prepared statement for a group of token hashes, on the ingest pool (as resolve-agent.ts's single lookup). */
async function agentsByTokenHash(hashes: readonly string[]): Promise<Map<string, AgentPrincipal>> {
  const { rows } = await sqlPool().query<{ tokenHash: string; id: string; name: string; replicaId: string; serviceId: string; witnessKey: string | null; refusedWitnessKey: string | null }>({
    name: "agents-by-token",
    text: `SELECT a."tokenHash", a.id, a.name, a."replicaId", r."serviceId", a."witnessKey", a."refusedWitnessKey" FROM "Agent" a JOIN "Replica" r ON r.id = a."replicaId"
            WHERE a."tokenHash" = ANY($1::text[]) AND a."revokedAt" IS NULL`,
    values: [hashes],
  });
  return new Map(
    rows.map((row) => [
      row.tokenHash,
      { type: "agent", agentId: row.id, name: row.name, replicaId: row.replicaId, serviceId: row.serviceId, witnessKey: row.witnessKey, refusedWitnessKey: row.refusedWitnessKey },
    ]),
  );
}

const globalForOpenings = globalThis as unknown as { switchyardStreamOpenings?: StreamOpenings };

/** This copy's one verifier: every stream's opening shares its lookups and what it remembers. */
export function streamOpenings(): StreamOpenings {
  globalForOpenings.switchyardStreamOpenings ??= new StreamOpenings();
  return globalForOpenings.switchyardStreamOpenings;
}
