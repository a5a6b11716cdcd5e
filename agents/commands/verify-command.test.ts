import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentCommandClaims } from "@/contracts/agent-commands";
import { CommandKeyRing } from "./command-key-ring";
import { createTestSigner, type TestSigner } from "./test-signer";
import { unverifiedLabels, verifyCommand, type CommandVerifier, type Verification } from "./verify-command";

const AGENT = "orders-eu-agent";
const REPLICA = "orders-eu";

let signer: TestSigner;
let stranger: TestSigner;
let verifier: CommandVerifier;

beforeAll(async () => {
  signer = await createTestSigner({ agentName: AGENT, replica: REPLICA });
  stranger = await createTestSigner({ agentName: AGENT, replica: REPLICA });
  verifier = { keys: await CommandKeyRing.open(null, signer.publicKeyPem), agentName: AGENT, replicaName: REPLICA };
});

async function verify(claims: AgentCommandClaims, token?: string): Promise<Verification> {
  return verifyCommand(claims.jti, token ?? (await signer.sign(claims)), verifier);
}

function reason(verification: Verification): string {
  if (verification.ok) throw new Error(`the command was accepted: ${JSON.stringify(verification.command)}`);
  return verification.reason;
}

describe("verifyCommand", () => {
  it("accepts a command signed by the control plane's key, with its kind's arguments and defaults", async () => {
    const claims = signer.claims({ kind: "fence", args: {}, epoch: 4 });
    const verification = await verify(claims);
    expect(verification).toEqual({ ok: true, command: { id: claims.jti, kind: "fence", args: { terminateSessions: true }, claims } });
  });

  it("takes what a rejoin does with errant transactions from the signed args alone: refuse unless they say rebuild", async () => {
    const upstream = { host: "10.0.0.1", port: 3306, slotName: null };
    const rebuild = await verify(signer.claims({ kind: "rewind", args: { ...upstream, errantTransactions: "rebuild" }, epoch: 4 }));
    expect(rebuild.ok && rebuild.command.args).toEqual({ ...upstream, errantTransactions: "rebuild" });
    const unsaid = await verify(signer.claims({ kind: "repoint", args: upstream, epoch: 4 }));
    expect(unsaid.ok && unsaid.command.args).toEqual({ ...upstream, errantTransactions: "refuse" });
    expect(reason(await verify(signer.claims({ kind: "rewind", args: { ...upstream, errantTransactions: "discard" }, epoch: 4 })))).toMatch(/^invalid args for rewind: .*errantTransactions/);
  });

  it("refuses an unsigned command (alg: none)", async () => {
    const claims = signer.claims();
    const unsigned = new UnsecuredJWT({ ...claims }).encode();
    expect(reason(await verify(claims, unsigned))).toBe("the command is unsigned (alg: none); only EdDSA-signed commands are executed");
  });

  it("refuses a command signed with another algorithm, such as an HMAC keyed with the public key", async () => {
    const claims = signer.claims();
    const hmac = await new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(signer.publicKeyPem));
    expect(reason(await verify(claims, hmac))).toMatch(/signed with "HS256"; only EdDSA-signed commands are executed/);
  });

  it("refuses a command signed with another Ed25519 key under the trusted key's id", async () => {
    const claims = signer.claims();
    const forged = await stranger.sign(claims, { alg: "EdDSA", kid: signer.id });
    expect(reason(await verify(claims, forged))).toBe("the command's signature does not verify against the control plane's key its kid names");
  });

  it("refuses a command signed with a key this agent does not trust, naming it", async () => {
    const claims = signer.claims();
    expect(reason(await verify(claims, await stranger.sign(claims)))).toBe(
      `the command is signed with key ${stranger.id}, which this agent does not trust (unknown, or retired by a completed rotation); it trusts only ${signer.id}`,
    );
  });

  it("refuses a command that names no key, though the trusted key signed it", async () => {
    const claims = signer.claims();
    expect(reason(await verify(claims, await signer.sign(claims, { alg: "EdDSA" })))).toBe(`the command names no key id (kid); this agent trusts only ${signer.id}`);
  });

  it("refuses a command whose claims were changed after signing", async () => {
    const claims = signer.claims({ kind: "checkpoint", epoch: 2 });
    const [header, , signature] = (await signer.sign(claims)).split(".");
    const forged = base64url.encode(JSON.stringify({ ...claims, kind: "promote", args: { waitSeconds: 5 } }));
    expect(reason(await verify(claims, `${header}.${forged}.${signature}`))).toMatch(/signature does not verify/);
  });

  it("refuses an expired command, beyond the clock tolerance, and accepts one within it", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(reason(await verify(signer.claims({ iat: now - 600, exp: now - 120 })))).toMatch(/^the command expired at \d{4}-\d\d-\d\dT.*Z \(agent clock /);
    expect((await verify(signer.claims({ iat: now - 600, exp: now - 5 }))).ok).toBe(true);
  });

  it("refuses a command without an expiry", async () => {
    const { exp: _, ...withoutExp } = signer.claims();
    expect(reason(await verifyCommand(withoutExp.jti, await signer.sign(withoutExp), verifier))).toBe('the command\'s "exp" claim is unacceptable: missing required "exp" claim');
  });

  it("refuses a command addressed to another agent", async () => {
    expect(reason(await verify(signer.claims({ aud: "orders-us-agent" })))).toBe(`the command is addressed to "orders-us-agent", not to this agent ("${AGENT}")`);
  });

  it("refuses a command from another issuer", async () => {
    expect(reason(await verify(signer.claims({ iss: "mallory" } as unknown as Partial<AgentCommandClaims>)))).toBe('the command was issued by "mallory", not by "switchyard"');
  });

  it("refuses a command for another replica", async () => {
    expect(reason(await verify(signer.claims({ replica: "orders-us" })))).toBe(`the command is for replica "orders-us", but this agent runs replica "${REPLICA}"`);
  });

  it("refuses a command handed out under another id than the one it signs", async () => {
    const claims = signer.claims({ jti: "cmd-signed" });
    expect(reason(await verifyCommand("cmd-other", await signer.sign(claims), verifier))).toMatch(/jti\) "cmd-signed" is not the id it was handed out under \("cmd-other"\)/);
  });

  it.each([
    ["fence", { terminateSessions: "yes" }, /^invalid args for fence: terminateSessions: /],
    ["fence", { terminateSessions: true, force: true }, /^invalid args for fence: .*force/],
    ["promote", { waitSeconds: 0 }, /^invalid args for promote: waitSeconds: /],
    ["repoint", { host: "10.0.0.7", port: 5432, slotName: "Robert'); DROP TABLE x;--" }, /^invalid args for repoint: slotName: /],
    ["verify-write", {}, /^invalid args for verify-write: expect: /],
  ] as const)("refuses invalid args (%s %j)", async (kind, args, expected) => {
    expect(reason(await verify(signer.claims({ kind, args })))).toMatch(expected);
  });

  it("refuses claims that are not a command (unknown kind, epoch 0)", async () => {
    expect(reason(await verify(signer.claims({ kind: "drop-database" } as unknown as Partial<AgentCommandClaims>)))).toMatch(/^the command's claims are invalid: kind: /);
    expect(reason(await verify(signer.claims({ epoch: 0 })))).toMatch(/^the command's claims are invalid: epoch: /);
  });

  it("refuses what is not a token at all", async () => {
    expect(reason(await verifyCommand("x", "not-a-token", verifier))).toMatch(/^the command is not a well-formed signed token/);
  });
});

describe("unverifiedLabels", () => {
  it("reads kind and epoch for logs, and says unknown for anything else", async () => {
    expect(unverifiedLabels(await stranger.sign(signer.claims({ kind: "promote", args: {}, epoch: 7 })))).toEqual({ kind: "promote", epoch: 7 });
    expect(unverifiedLabels(await signer.sign(signer.claims({ kind: "rm -rf" } as unknown as Partial<AgentCommandClaims>)))).toEqual({ kind: "unknown", epoch: 1 });
    expect(unverifiedLabels("garbage")).toEqual({ kind: "unknown", epoch: null });
  });
});
