import { describe, expect, it } from "vitest";
import { decideMove, failureKind, MOVE_RULES, nextCopy, parseControlPlaneUrls, type FailureKind, type RequestOutcome } from "./move-rules";

const KINDS: FailureKind[] = ["answered", "busy", "not-reached", "server-error", "timed-out", "connection-lost"];
const refused: RequestOutcome = { kind: "error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:3000" };
const reset: RequestOutcome = { kind: "error", code: "ECONNRESET", message: "socket hang up" };

describe("the move rules", () => {
  it("have one row per kind of outcome, with unique ids and a sentence", () => {
    expect(MOVE_RULES.map((rule) => rule.when).sort()).toEqual([...KINDS].sort());
    expect(new Set(MOVE_RULES.map((rule) => rule.id)).size).toBe(MOVE_RULES.length);
    for (const rule of MOVE_RULES) expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
  });

  it("never send a request again without moving", () => {
    for (const rule of MOVE_RULES) if (!rule.move) expect(rule.resend, rule.id).toBe("none");
  });

  it("tell the kinds apart", () => {
    expect(failureKind({ kind: "answer", status: 200 })).toBe("answered");
    expect(failureKind({ kind: "answer", status: 409 })).toBe("answered");
    expect(failureKind({ kind: "answer", status: 401 })).toBe("answered");
    expect(failureKind({ kind: "answer", status: 429 })).toBe("busy");
    expect(failureKind({ kind: "answer", status: 500 })).toBe("server-error");
    expect(failureKind({ kind: "answer", status: 503 })).toBe("server-error");
    expect(failureKind(refused)).toBe("not-reached");
    expect(failureKind({ kind: "error", code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND cp-2" })).toBe("not-reached");
    expect(failureKind(reset)).toBe("connection-lost");
    expect(failureKind({ kind: "error", code: null, message: "the connection closed before the answer was complete" })).toBe("connection-lost");
    expect(failureKind({ kind: "timeout" })).toBe("timed-out");
  });

  it("move on refused connections, 5xx and timeouts; stay on an answer and on 429", () => {
    expect(decideMove({ kind: "answer", status: 400 }, true, 3)).toMatchObject({ move: false, resend: false, rule: { id: "stay-on-answer" } });
    expect(decideMove({ kind: "answer", status: 429 }, true, 3)).toMatchObject({ move: false, resend: false, rule: { id: "stay-when-busy" } });
    expect(decideMove(refused, false, 3)).toMatchObject({ move: true, resend: true, rule: { id: "move-when-not-reached" } });
    expect(decideMove({ kind: "answer", status: 502 }, true, 3)).toMatchObject({ move: true, resend: true, rule: { id: "move-on-server-error" } });
    expect(decideMove({ kind: "timeout" }, true, 3)).toMatchObject({ move: true, resend: true, rule: { id: "move-on-timeout" } });
    expect(decideMove(reset, true, 3)).toMatchObject({ move: true, resend: true, rule: { id: "move-on-lost-connection" } });
  });

  it("send a change again only where the first copy surely never received it", () => {
    expect(decideMove(refused, false, 2).resend).toBe(true);
    for (const outcome of [{ kind: "answer", status: 500 }, { kind: "timeout" }, reset] as RequestOutcome[]) {
      expect(decideMove(outcome, false, 2)).toMatchObject({ move: true, resend: false });
    }
  });

  it("with one copy, never move nor send again (the caller's backoff applies)", () => {
    for (const outcome of [refused, reset, { kind: "timeout" }, { kind: "answer", status: 503 }] as RequestOutcome[]) {
      expect(decideMove(outcome, true, 1)).toMatchObject({ move: false, resend: false });
    }
  });

  it("go round the copies in order", () => {
    expect([0, 1, 2].map((index) => nextCopy(index, 3))).toEqual([1, 2, 0]);
    expect(nextCopy(0, 1)).toBe(0);
  });
});

describe("a list of control-plane URLs", () => {
  it("keeps the order given, each once, without trailing slashes", () => {
    expect(parseControlPlaneUrls("https://cp-1.example.com/, https://cp-2.example.com,https://cp-1.example.com")).toEqual({
      ok: true,
      urls: ["https://cp-1.example.com", "https://cp-2.example.com"],
    });
    expect(parseControlPlaneUrls("http://127.0.0.1:3000/switchyard/")).toEqual({ ok: true, urls: ["http://127.0.0.1:3000/switchyard"] });
  });

  it("refuses an empty list, a word that is not a URL, and other schemes, naming it", () => {
    expect(parseControlPlaneUrls(" , ")).toEqual({ ok: false, error: "name at least one control-plane URL" });
    expect(parseControlPlaneUrls("https://cp-1.example.com,cp-2")).toEqual({ ok: false, error: '"cp-2" is not a URL' });
    expect(parseControlPlaneUrls("ftp://cp-1.example.com")).toEqual({ ok: false, error: '"ftp://cp-1.example.com" must be an http:// or https:// URL' });
  });
});
