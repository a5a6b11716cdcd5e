import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WITNESS_ROSTER_TYPE, type WitnessRosterClaims } from "@/contracts/witness-roster";
import { newCommandKeyPem, signingKeyFromPem } from "@/server/command-keys/signing-key";
import { signedWitnessRoster } from "@/server/primary-lease/witness-roster";
import { CommandKeyRing } from "../commands/command-key-ring";
import { createTestSigner } from "../commands/test-signer";
import { verifyRoster } from "./witness-roster";

const SELF = { agentName: "orders-us-agent", replica: "pg-us-east-1", regionId: "aws:us-east-1" };
const rawKey = () => generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!;

const claims = (overrides: Partial<WitnessRosterClaims> = {}): WitnessRosterClaims => ({
  replica: SELF.replica,
  serviceId: "orders-db",
  epoch: 3,
  witnesses: [
    { replica: "pg-eu-west-1", regionId: "aws:eu-west-1", agent: "orders-eu-agent", key: rawKey() },
    { replica: "pg-europe-west3", regionId: "gcp:europe-west3", agent: "orders-gcp-agent", key: rawKey() },
  ],
  ...overrides,
});

async function setup() {
  const signer = await createTestSigner({ agentName: SELF.agentName, replica: SELF.replica });
  const key = await CommandKeyRing.open(null, signer.publicKeyPem);
  const roster = (payload: Record<string, unknown>, header: Record<string, string> = { alg: "EdDSA", typ: WITNESS_ROSTER_TYPE, kid: signer.id }) =>
    signer.sign({ iss: "switchyard", aud: SELF.agentName, iat: Math.floor(Date.now() / 1000), ...payload }, header as { alg: string });
  return { signer, key, roster };
}

const reason = (verdict: Awaited<ReturnType<typeof verifyRoster>>) => (verdict.ok ? "ok" : verdict.reason);

describe("the witness roster a lease grant carries", () => {
  it("lists the witnesses with their keys when the control plane signed it for this agent's replica", async () => {
    const { key, roster } = await setup();
    const verdict = await verifyRoster(await roster(claims()), key, SELF);
    expect(verdict.ok && [...verdict.roster.entries()].map(([name, entry]) => [name, entry.regionId])).toEqual([
      ["pg-eu-west-1", "aws:eu-west-1"],
      ["pg-europe-west3", "gcp:europe-west3"],
    ]);
  });

  it("is refused when signed by a key this agent does not trust, or by another key under a trusted key's id", async () => {
    const { roster, signer } = await setup();
    const other = await setup();
    expect(reason(await verifyRoster(await roster(claims()), other.key, SELF))).toBe(
      `the witness roster is signed with key ${signer.id}, which this agent does not trust (unknown, or retired by a completed rotation); it trusts only ${other.signer.id}`,
    );
    const impostor = await roster(claims(), { alg: "EdDSA", typ: WITNESS_ROSTER_TYPE, kid: other.signer.id });
    expect(reason(await verifyRoster(impostor, other.key, SELF))).toBe("the witness roster's signature does not verify against the control plane's key its kid names");
  });

  it("is refused when it is another kind of token the control plane signs, or not addressed to this agent, or for another replica", async () => {
    const { key, roster, signer } = await setup();
    expect(reason(await verifyRoster(await roster(claims(), { alg: "EdDSA", typ: "JWT", kid: signer.id }), key, SELF))).toMatch(/^the witness roster could not be verified: .*typ/);
    expect(reason(await verifyRoster(await roster({ ...claims(), aud: "orders-eu-agent" }), key, SELF))).toMatch(/^the witness roster could not be verified: .*aud/);
    expect(reason(await verifyRoster(await roster(claims({ replica: "pg-eu-west-1" })), key, SELF))).toBe("the witness roster is for pg-eu-west-1, not for pg-us-east-1");
    expect(reason(await verifyRoster(await roster({ ...claims(), witnesses: [{ replica: "x" }] }), key, SELF))).toMatch(/^the witness roster's claims are invalid: witnesses\.0\./);
  });

  it("drops entries in this replica's own region and the replica itself, whatever it says", async () => {
    const { key, roster } = await setup();
    const listed = claims();
    listed.witnesses.push({ replica: "pg-us-east-1b", regionId: SELF.regionId, agent: "b", key: rawKey() }, { replica: SELF.replica, regionId: "aws:eu-west-1", agent: "c", key: rawKey() });
    const verdict = await verifyRoster(await roster(listed), key, SELF);
    expect(verdict.ok && [...verdict.roster.keys()]).toEqual(["pg-eu-west-1", "pg-europe-west3"]);
  });

  it("is what the control plane's own signing produces, its kid naming the key", async () => {
    const signing = signingKeyFromPem(newCommandKeyPem());
    const token = await signedWitnessRoster(SELF.agentName, claims(), signing);
    expect((await verifyRoster(token, await CommandKeyRing.open(null, signing.publicKeyPem), SELF)).ok).toBe(true);
  });
});
