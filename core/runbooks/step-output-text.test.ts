import { describe, expect, it } from "vitest";
import { AGENT_COMMAND_KINDS } from "@/contracts/agent-commands";
import { AGENT_OUTPUT_SENTENCES, fencedAt, stepOutputSentences } from "./step-output-text";

const agent = (command: string, output: unknown, fencedLsn: string | null = null) => stepOutputSentences({ kind: "agent", command, output, fencedLsn });

describe("agent step outputs", () => {
  it("read a fence with the LSN in PostgreSQL's notation and the sessions ended", () => {
    expect(agent("fence", { "pg-us-east-1": { finalLsn: "123018520", terminatedSessions: 3 } })).toEqual(["pg-us-east-1 fenced: read-only at 0/7551D18, 3 client sessions ended."]);
    expect(agent("fence", { "pg-us-east-1": { finalLsn: "4294967296", terminatedSessions: 1 } })).toEqual(["pg-us-east-1 fenced: read-only at 1/0, 1 client session ended."]);
  });

  it("read a MariaDB fence, promotion and rejoin in GTIDs, the proof in transactions", () => {
    expect(agent("fence", { "db-a": { finalLsn: "42", terminatedSessions: 2, finalGtid: "0-1-42" } })).toEqual(["db-a fenced: read-only at GTID 0-1-42, 2 client sessions ended."]);
    expect(agent("promote", { "db-b": { lsn: "42", timeline: null, gtid: { received: "0-1-42", applied: "0-1-42" } } }, "42")).toEqual([
      "db-b promoted with GTIDs 0-1-42 applied (received 0-1-42); GTID sequence 42 ≥ fenced 42: every write the old primary acknowledged is on it.",
    ]);
    expect(agent("promote", { "db-c": { lsn: "39", timeline: null, gtid: { received: "0-1-39", applied: "0-1-39" } } }, "42")).toEqual([
      "db-c promoted with GTIDs 0-1-39 applied (received 0-1-39); GTID sequence 39 < fenced 42: 3 transactions the old primary acknowledged are NOT on it.",
    ]);
    expect(agent("rewind", { "db-a": { method: "following", timeline: null, bytes: null, durationMs: 300, formerDataKeptAt: null, note: null } })).toEqual([
      "db-a rejoined as a replica: its GTIDs are all in the new primary's history; nothing to copy in 300 ms.",
    ]);
    expect(agent("rewind", { "db-a": { method: "logical-copy", timeline: null, bytes: 2048, durationMs: 900, formerDataKeptAt: "/var/former/db-a.sql", note: "it holds errant GTIDs" } })).toEqual([
      "db-a rejoined as a replica: a dump of the primary (2.0 KiB) replaced its data in 900 ms. Its former data is kept at /var/former/db-a.sql. it holds errant GTIDs",
    ]);
  });

  it("read a promotion with the zero-loss proof against the fence", () => {
    expect(agent("promote", { "pg-eu-west-1": { lsn: "120387456", timeline: 3 } }, "120387456")).toEqual([
      "pg-eu-west-1 promoted at 0/72CF780 on timeline 3; replayed 0/72CF780 ≥ fenced 0/72CF780: every write the old primary acknowledged is on it.",
    ]);
    expect(agent("promote", { "pg-eu-west-1": { lsn: "1000", timeline: 2 } }, "5096")).toEqual([
      "pg-eu-west-1 promoted at 0/3E8 on timeline 2; replayed 0/3E8 < fenced 0/13E8: 4.0 KiB the old primary acknowledged are NOT on it.",
    ]);
    expect(agent("promote", { "pg-eu-west-1": { lsn: "1000", timeline: 2 } })).toEqual(["pg-eu-west-1 promoted at 0/3E8 on timeline 2."]);
  });

  it("read a synchronous standby change, saying when commits wait for nobody", () => {
    expect(agent("sync-standbys", { "pg-eu-west-1": { synchronousStandbyNames: 'FIRST 1 ("pg_us_east_1")', streaming: ["pg_us_east_1", "pg_europe_west3"] } })).toEqual([
      'commits on pg-eu-west-1 wait for FIRST 1 ("pg_us_east_1"); streaming: pg_us_east_1, pg_europe_west3.',
    ]);
    expect(agent("sync-standbys", { "pg-eu-west-1": { streaming: [], synchronousStandbyNames: "" } })).toEqual(["commits on pg-eu-west-1 wait for no standby (none streams from it); streaming: none."]);
  });

  it("read one sentence per replica, in the order the output lists them", () => {
    expect(agent("repoint", { a: { primaryHost: "10.0.0.2", primaryPort: 5432, slotName: "s_a", rebuilt: null }, b: { primaryHost: "10.0.0.2", primaryPort: 5432, slotName: null, rebuilt: { method: "pg_rewind", reason: "it wrote past the fork" } } })).toEqual([
      "a streams from 10.0.0.2:5432 through slot s_a.",
      "b streams from 10.0.0.2:5432. It was rebuilt first (pg_rewind): it wrote past the fork.",
    ]);
  });

  it("read rejoins, checkpoints, write checks and scripts", () => {
    expect(agent("rewind", { old: { method: "pg_rewind", timeline: 4, bytes: 5 * 1024 * 1024, durationMs: 2300, formerDataKeptAt: null, note: null } })).toEqual(["old rejoined as a standby on timeline 4: pg_rewind copied 5.0 MiB in 2.3 s."]);
    expect(agent("rewind", { old: { method: "following", timeline: 4, bytes: 0, durationMs: 12, formerDataKeptAt: null, note: null } })).toEqual(["old rejoined as a standby on timeline 4: already followed the new timeline; nothing to copy in 12 ms."]);
    expect(agent("checkpoint", { p: { lsn: "16" } })).toEqual(["p checkpointed at 0/10."]);
    expect(agent("verify-write", { p: { accepted: true, error: null } })).toEqual(["p accepted a write."]);
    expect(agent("verify-write", { p: { accepted: false, error: "cannot execute INSERT in a read-only transaction" } })).toEqual(["p refused a write: cannot execute INSERT in a read-only transaction."]);
    expect(agent("script", { p: { exitCode: 0, signal: null, stdout: "draining\ndone\n", stderr: "", truncated: false, durationMs: 800 } })).toEqual(["The script on p exited with 0 in 800 ms; last line: “done”."]);
    expect(agent("unfence", { p: {} })).toEqual(["p takes writes again."]);
  });

  it("say why a step had nothing to act on", () => {
    expect(agent("fence", { reason: "no replica to act on" })).toEqual(["Nothing to do: no replica to act on."]);
  });

  it("give up (null, the page shows the JSON) on a shape the command does not answer with", () => {
    expect(agent("fence", { p: { lsn: "1" } })).toBeNull();
    expect(agent("promote", { p: "text" })).toBeNull();
    expect(agent("unknown-command", { p: {} })).toBeNull();
    expect(agent("fence", {})).toBeNull();
    expect(stepOutputSentences({ kind: "agent", command: null, output: { p: {} }, fencedLsn: null })).toBeNull();
  });

  it("know every command an agent runs", () => {
    expect(Object.keys(AGENT_OUTPUT_SENTENCES).sort()).toEqual([...AGENT_COMMAND_KINDS].sort());
  });
});

describe("other step outputs", () => {
  const step = (kind: string, output: unknown) => stepOutputSentences({ kind, command: null, output, fencedLsn: null });

  it("read a check's or a wait's sentence as it is", () => {
    expect(step("check", { condition: "target-caught-up", sentence: "pg-eu-west-1 replayed everything the primary wrote." })).toEqual(["pg-eu-west-1 replayed everything the primary wrote."]);
    expect(step("wait", { condition: "x" })).toBeNull();
  });

  it("read who answered a manual step when nobody clicked", () => {
    expect(step("manual", { answeredBy: "in advance", note: "confirmed in advance by ana@example.com, who started plan p1" })).toEqual(["Confirmed in advance by ana@example.com, who started plan p1."]);
    expect(step("manual", { answeredBy: "policy" })).toBeNull();
  });

  it("read the route's move, a webhook's answer, a gate's endpoint and a skipped approval", () => {
    expect(step("route", { from: "pg-us-east-1", to: "pg-eu-west-1" })).toEqual(["The write route moved from pg-us-east-1 to pg-eu-west-1."]);
    expect(step("notify", { status: 204 })).toEqual(["The notification webhook accepted the message (204)."]);
    expect(step("gate", { endpoint: "change-freeze", status: 200, body: "{\"ok\":true}", durationMs: 40 })).toEqual(["change-freeze answered 200 in 40 ms: “{\"ok\":true}”."]);
    expect(step("http", { endpoint: "lb", unreachable: "connect ECONNREFUSED", durationMs: 5 })).toEqual(["lb could not be reached in 5 ms: connect ECONNREFUSED."]);
    expect(step("approval", { reason: "not needed: the target is synchronous" })).toEqual(["Skipped: not needed: the target is synchronous."]);
  });

  it("are null without an output, or of a kind with none to read", () => {
    expect(step("check", null)).toBeNull();
    expect(step("route", [])).toBeNull();
    expect(step("mystery", { a: 1 })).toBeNull();
  });
});

describe("where a run fenced the old primary", () => {
  const fence = (output: unknown) => [
    { phase: "forward", command: "confirm", output: null },
    { phase: "forward", command: "fence", output },
  ];

  it("is a GTID position for MariaDB, an LSN for PostgreSQL, nothing before the fence", () => {
    expect(fencedAt("42", fence({ "db-a": { finalLsn: "42", terminatedSessions: 0, finalGtid: "0-1-42" } }))).toBe("GTID 0-1-42");
    expect(fencedAt("0", fence({ "db-a": { finalLsn: "0", terminatedSessions: 0, finalGtid: "" } }))).toBe("GTID (none)");
    expect(fencedAt("123018520", fence({ "pg-us-east-1": { finalLsn: "123018520", terminatedSessions: 3 } }))).toBe("LSN 0/7551D18");
    expect(fencedAt("123018520", [])).toBe("LSN 0/7551D18");
    expect(fencedAt(null, fence({ "db-a": { finalLsn: "42", terminatedSessions: 0, finalGtid: "0-1-42" } }))).toBeNull();
  });
});
