import { describe, expect, it } from "vitest";
import type { AgentPrincipal } from "@/server/agents/resolve-agent";
import { MAX_TOKENS_PER_LOOKUP, StreamOpenings, VERIFIED_TOKEN_TTL_MS } from "@/server/ingest/stream-openings";

const principal = (hash: string): AgentPrincipal => ({ type: "agent", agentId: `agent-${hash}`, name: hash, replicaId: `replica-${hash}`, serviceId: "service" });

/** A store of live agents by token hash that records each lookup statement and answers it when told. */
class Store {
  live = new Set<string>();
  readonly statements: string[][] = [];
  private pending: (() => void)[] = [];
  failNext: Error | null = null;

  lookup = (hashes: readonly string[]): Promise<Map<string, AgentPrincipal>> => {
    this.statements.push([...hashes]);
    return new Promise((resolve, reject) => {
      this.pending.push(() => {
        const error = this.failNext;
        this.failNext = null;
        if (error) return reject(error);
        resolve(new Map(hashes.filter((hash) => this.live.has(hash)).map((hash) => [hash, principal(hash)])));
      });
    });
  };

  /** Answers every statement sent so far, then lets the verifier send the next. */
  async answer(): Promise<void> {
    for (const answer of this.pending.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("stream openings", () => {
  it("looks up the tokens of openings that arrive while a lookup runs with one statement", async () => {
    const store = new Store();
    store.live = new Set(["a", "b", "c", "d"]);
    const openings = new StreamOpenings(store.lookup, () => 0);
    const first = openings.verify("a");
    const rest = ["b", "c", "d", "unknown"].map((hash) => openings.verify(hash));
    expect(store.statements).toEqual([["a"]]);
    await store.answer();
    expect(store.statements).toEqual([["a"], ["b", "c", "d", "unknown"]]);
    await store.answer();
    expect(await first).toEqual(principal("a"));
    expect(await Promise.all(rest)).toEqual([principal("b"), principal("c"), principal("d"), null]);
  });

  it("asks once for a token several openings bear at once", async () => {
    const store = new Store();
    store.live = new Set(["a"]);
    const openings = new StreamOpenings(store.lookup, () => 0);
    void openings.verify("x");
    const twice = [openings.verify("a"), openings.verify("a")];
    await store.answer();
    await store.answer();
    expect(await Promise.all(twice)).toEqual([principal("a"), principal("a")]);
    expect(store.statements).toEqual([["x"], ["a"]]);
  });

  it(`takes at most ${MAX_TOKENS_PER_LOOKUP} tokens in one statement`, async () => {
    const store = new Store();
    const openings = new StreamOpenings(store.lookup, () => 0);
    void openings.verify("first");
    const many = Array.from({ length: MAX_TOKENS_PER_LOOKUP + 5 }, (_, i) => openings.verify(`t${i}`));
    await store.answer();
    await store.answer();
    await store.answer();
    expect(store.statements.map((statement) => statement.length)).toEqual([1, MAX_TOKENS_PER_LOOKUP, 5]);
    expect(await Promise.all(many)).toEqual(many.map(() => null));
  });

  it(`answers a verified token from memory for ${VERIFIED_TOKEN_TTL_MS / 1000} s, then asks the store again, which refuses it once revoked`, async () => {
    const store = new Store();
    store.live = new Set(["a"]);
    let now = 0;
    const openings = new StreamOpenings(store.lookup, () => now);
    const verified = openings.verify("a");
    await store.answer();
    expect(await verified).toEqual(principal("a"));
    store.live.delete("a");
    now = VERIFIED_TOKEN_TTL_MS - 1;
    expect(await openings.verify("a")).toEqual(principal("a"));
    expect(store.statements).toHaveLength(1);
    now = VERIFIED_TOKEN_TTL_MS;
    const again = openings.verify("a");
    await store.answer();
    expect(await again).toBeNull();
    expect(store.statements).toHaveLength(2);
  });

  it("never remembers an unknown token", async () => {
    const store = new Store();
    const openings = new StreamOpenings(store.lookup, () => 0);
    const unknown = openings.verify("a");
    await store.answer();
    expect(await unknown).toBeNull();
    store.live.add("a");
    const known = openings.verify("a");
    await store.answer();
    expect(await known).toEqual(principal("a"));
  });

  it("fails every opening of a failed lookup, and looks up the next ones afresh", async () => {
    const store = new Store();
    store.live = new Set(["a"]);
    const openings = new StreamOpenings(store.lookup, () => 0);
    store.failNext = new Error("store unreachable");
    const failed = openings.verify("a").catch((error: unknown) => error);
    const next = openings.verify("b");
    await store.answer();
    expect(await failed).toEqual(new Error("store unreachable"));
    await store.answer();
    expect(await next).toBeNull();
    const retried = openings.verify("a");
    await store.answer();
    expect(await retried).toEqual(principal("a"));
  });
});
