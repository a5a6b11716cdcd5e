import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRunbook } from "./parse-runbook";

const builtIn = readdirSync("runbooks").filter((file) => file.endsWith(".yaml"));

const minimal = `id: tiny
title: Tiny
description: A runbook with one step.
parameters:
  service: { type: service, description: The service }
steps:
  - { id: look, kind: check, title: Look, condition: primary-reachable }
`;

describe("runbook definitions", () => {
  it.each(builtIn)("%s is valid", (file) => {
    const parsed = parseRunbook(file, readFileSync(path.join("runbooks", file), "utf8"));
    expect(parsed.ok ? null : parsed.problem).toBeNull();
  });

  it("ship the planned switchover and the unplanned failover", () => {
    const ids = builtIn.map((file) => {
      const parsed = parseRunbook(file, readFileSync(path.join("runbooks", file), "utf8"));
      return parsed.ok ? parsed.runbook.definition.id : null;
    });
    expect(ids).toEqual(expect.arrayContaining(["planned-switchover", "unplanned-failover"]));
  });

  it("fill in defaults and hash the exact source text", () => {
    const parsed = parseRunbook("tiny.yaml", minimal);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(parsed.runbook.definition.steps[0]).toMatchObject({ timeoutSeconds: 60, onFailure: "abort", retry: { attempts: 1 } });
    expect(parsed.runbook.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const edited = parseRunbook("tiny.yaml", `${minimal}\n`);
    expect(edited.ok && edited.runbook.contentHash).not.toBe(parsed.runbook.contentHash);
  });

  it("name the file and the field of a broken definition", () => {
    const broken = minimal.replace("condition: primary-reachable", "condition: launch-the-missiles");
    expect(parseRunbook("broken.yaml", broken)).toEqual({
      ok: false,
      problem: { file: "broken.yaml", field: "steps.0.condition", message: expect.stringMatching(/^steps\.0\.condition: /) },
    });
  });

  it("refuse an unknown step kind, a repeated step id and a missing service parameter", () => {
    const unknownKind = parseRunbook("a.yaml", minimal.replace("kind: check", "kind: shell"));
    expect(!unknownKind.ok && unknownKind.problem.field).toBe("steps.0.kind");
    const repeated = parseRunbook("b.yaml", `${minimal}  - { id: look, kind: manual, title: Again, prompt: Sure? }\n`);
    expect(!repeated.ok && repeated.problem.message).toMatch(/step id look is used twice/);
    const noService = parseRunbook("c.yaml", minimal.replace("service: { type: service, description: The service }", "other: { type: text, description: x }"));
    expect(!noService.ok && noService.problem.message).toMatch(/needs a "service" parameter/);
  });

  it("make a runbook that promotes say whether the promotion is planned, and ship both kinds", () => {
    const promoting = `${minimal}  - { id: promote, kind: agent, title: Promote, target: target, command: promote }\n`;
    expect(parseRunbook("d.yaml", promoting)).toMatchObject({ ok: false, problem: { field: "promotion", message: expect.stringMatching(/must say whether its promotion is planned/) } });
    const declared = parseRunbook("d.yaml", promoting.replace("parameters:", "promotion: planned\nparameters:"));
    expect(declared.ok && declared.runbook.definition.promotion).toBe("planned");
    const promotions = Object.fromEntries(
      builtIn.flatMap((file) => {
        const parsed = parseRunbook(file, readFileSync(path.join("runbooks", file), "utf8"));
        return parsed.ok ? [[parsed.runbook.definition.id, parsed.runbook.definition.promotion ?? null]] : [];
      }),
    );
    expect(promotions).toMatchObject({ "planned-switchover": "planned", "unplanned-failover": "unplanned", "reinstate-former-primary": null });
  });

  it("leave what a rejoin does with errant transactions to the service's policy: a step or its undo that sets it is refused", () => {
    const rejoin = `${minimal}  - { id: rejoin, kind: agent, title: Rejoin, target: primary, command: rewind, args: { errantTransactions: rebuild } }\n`;
    expect(parseRunbook("e.yaml", rejoin)).toMatchObject({
      ok: false,
      problem: { field: "steps.1.args.errantTransactions", message: expect.stringMatching(/is the service's policy's to decide \(failover\.errantTransactions\), not a runbook's$/) },
    });
    const undo = `${minimal}  - { id: fence, kind: agent, title: Fence, target: primary, command: fence, compensation: { command: repoint, args: { errantTransactions: rebuild } } }\n`;
    expect(parseRunbook("f.yaml", undo)).toMatchObject({ ok: false, problem: { field: "steps.1.compensation.args.errantTransactions" } });
    expect(parseRunbook("g.yaml", rejoin.replace(", args: { errantTransactions: rebuild }", "")).ok).toBe(true);
  });

  it("report YAML that does not parse, without a field", () => {
    expect(parseRunbook("bad.yaml", "id: [unclosed")).toMatchObject({ ok: false, problem: { file: "bad.yaml", field: null } });
  });
});
