import { describe, expect, it } from "vitest";
import { hooksConfigSchema } from "@/contracts/hooks";
import { runbookDefinitionSchema } from "@/contracts/runbooks";
import { answerFailure, hookProblems, receiverMessage, scriptArgv, scriptMessage, serviceGates } from "./runbook-hooks";

const SECRET = "x".repeat(32);
const config = hooksConfigSchema.parse({
  endpoints: { dns: { url: "https://hooks.example.com/dns", secret: SECRET } },
  scripts: { "pgbouncer-repoint": {} },
  gates: { "orders-db": { "pre-failover": { endpoint: "dns" } } },
});

const runbook = (steps: unknown[]) =>
  runbookDefinitionSchema.parse({ id: "hooked", title: "Hooked", description: "d", parameters: { service: { type: "service", description: "s" }, reason: { type: "text", description: "r" } }, steps });

describe("the hooks configuration", () => {
  it("needs one secret per endpoint and refuses gates naming what it does not define", () => {
    expect(hooksConfigSchema.safeParse({ endpoints: { dns: { url: "https://x.example/" } } }).error?.issues[0]).toMatchObject({ path: ["endpoints", "dns"], message: "needs exactly one of secret or secretEnv" });
    expect(hooksConfigSchema.safeParse({ endpoints: { dns: { url: "https://x.example/", secret: "short" } } }).error?.issues[0]).toMatchObject({ path: ["endpoints", "dns", "secret"] });
    expect(hooksConfigSchema.safeParse({ endpoints: { dns: { url: "ftp://x.example/", secret: SECRET } } }).success).toBe(false);
    const gate = hooksConfigSchema.safeParse({ gates: { "orders-db": { "pre-failover": { script: "drain", target: "primary" } } } });
    expect(gate.error?.issues[0]).toMatchObject({ path: ["gates", "orders-db", "pre-failover", "script"], message: "no script drain is configured" });
  });

  it("gives each service its gates, none where it has none", () => {
    expect(serviceGates(config, "orders-db")).toEqual({ "pre-failover": { endpoint: "dns" }, "post-failover": null });
    expect(serviceGates(config, "billing-db")).toEqual({ "pre-failover": null, "post-failover": null });
  });
});

describe("a runbook's hooks", () => {
  it("must be configured: the step and the field are named", () => {
    const steps = [
      { id: "tell-dns", kind: "http", title: "DNS", endpoint: "dns" },
      { id: "tell-lb", kind: "http", title: "LB", endpoint: "load-balancer" },
      { id: "bouncer", kind: "script", title: "Bouncer", target: "target", script: "pgbouncer-reload" },
    ];
    expect(hookProblems(runbook(steps), config)).toEqual([
      { field: "steps.1.endpoint", message: "step tell-lb: no endpoint load-balancer is configured in the hooks configuration" },
      { field: "steps.2.script", message: "step bouncer: no script pgbouncer-reload is configured in the hooks configuration" },
    ]);
    expect(hookProblems(runbook(steps.slice(0, 1)), config)).toEqual([]);
  });

  it("may pass a script only the runbook's own parameters", () => {
    const bad = runbookDefinitionSchema.safeParse({
      id: "hooked",
      title: "Hooked",
      description: "d",
      parameters: { service: { type: "service", description: "s" } },
      steps: [{ id: "bouncer", kind: "script", title: "B", target: "target", script: "pgbouncer-repoint", args: { pool: { param: "pool" } } }],
    });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["steps", 0, "args", "pool"], message: "the runbook has no parameter pool" });
  });
});

describe("script arguments", () => {
  const facts = { "target.host": "10.0.0.2", "target.port": "5433", "primary.host": null };
  it("are --name=value pairs from parameters and facts, sorted by name, never through a shell", () => {
    expect(scriptArgv({ why: { param: "reason" }, port: { fact: "target.port" }, host: { fact: "target.host" } }, { reason: "it's; rm -rf / $(x)" }, facts)).toEqual({
      argv: ["--host=10.0.0.2", "--port=5433", "--why=it's; rm -rf / $(x)"],
    });
  });
  it("are refused when missing, too long or holding a control character", () => {
    expect(scriptArgv({ host: { fact: "primary.host" } }, {}, facts)).toEqual({ problem: "--host: the run has no fact primary.host" });
    expect(scriptArgv({ why: { param: "reason" } }, { reason: "a\nb" }, facts)).toEqual({ problem: "--why: the parameter reason contains a control character" });
    expect(scriptArgv({ why: { param: "reason" } }, { reason: "a".repeat(1025) }, facts)).toEqual({ problem: "--why: the parameter reason is longer than 1024 characters" });
  });
});

describe("what a receiver or a script said", () => {
  it("takes a JSON message or reason, else the text", () => {
    expect(receiverMessage('{"message":"change freeze until 23:00"}')).toBe("change freeze until 23:00");
    expect(receiverMessage('{"reason":"busy"}')).toBe("busy");
    expect(receiverMessage("Service\n  Unavailable")).toBe("Service Unavailable");
    expect(receiverMessage("  ")).toBeNull();
  });
  it("fails an answer outside the expected statuses, any 2xx by default", () => {
    const answer = (status: number, body = "") => ({ endpoint: "dns", status, body, durationMs: 1 });
    expect(answerFailure(answer(204), undefined)).toBeNull();
    expect(answerFailure(answer(302), undefined)).toBe("dns answered 302");
    expect(answerFailure(answer(200), [202])).toBe("dns answered 200");
    expect(answerFailure(answer(503, "down"), undefined)).toBe("dns answered 503: down");
    expect(answerFailure({ endpoint: "dns", unreachable: "ECONNREFUSED", durationMs: 1 }, undefined)).toBe("dns could not be reached: ECONNREFUSED");
  });
  it("takes a script's last stderr line, else its last stdout line", () => {
    expect(scriptMessage({ stdout: "a\nb\n", stderr: "warn\nrefused: lag too high\n" })).toBe("refused: lag too high");
    expect(scriptMessage({ stdout: "done\n", stderr: "" })).toBe("done");
    expect(scriptMessage(null)).toBeNull();
  });
});
