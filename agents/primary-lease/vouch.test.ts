import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WITNESS_VOUCH_WITHIN_MS } from "@/core/policy/budgets";
import { signVouch, verifyVouch, witnessPublicKey, type RosterKey, type VouchClaims, type VouchContext } from "./vouch";

const SELF = { replica: "pg-us-east-1", regionId: "aws:us-east-1" };
const NOW_US = 1_800_000_000_000_000;

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, raw: publicKey.export({ format: "jwk" }).x! };
}

const eu = keyPair();
const asia = keyPair();
const stranger = keyPair();

const roster = new Map<string, RosterKey>([
  ["pg-eu-west-1", { regionId: "aws:eu-west-1", key: witnessPublicKey(eu.raw) }],
  ["pg-ap-south-1", { regionId: "aws:ap-south-1", key: witnessPublicKey(asia.raw) }],
]);

const claims = (overrides: Partial<VouchClaims> = {}): VouchClaims => ({
  primary: SELF.replica,
  witness: "pg-eu-west-1",
  counter: 1_000,
  notAfterUs: NOW_US + 600_000,
  ...overrides,
});

const context = (overrides: Partial<VouchContext> = {}): VouchContext => ({ self: SELF, roster, counters: new Map(), arrivedUs: NOW_US, ...overrides });

const reason = (verdict: ReturnType<typeof verifyVouch>) => (verdict.accepted ? "accepted" : verdict.reason);

describe("a witness's vouch", () => {
  it("counts when a listed witness in another region signed it for this primary, as of its arrival", () => {
    expect(verifyVouch(signVouch(claims(), eu.privateKey), context())).toEqual({ accepted: true, witness: "pg-eu-west-1", counter: 1_000, atUs: NOW_US });
  });

  it("arriving after its end counts only as of its end: held back or replayed, it renews nothing a timely one would not", () => {
    const late = signVouch(claims({ notAfterUs: NOW_US - 5_000_000 }), eu.privateKey);
    expect(verifyVouch(late, context())).toMatchObject({ accepted: true, atUs: NOW_US - 5_000_000 });
  });

  it("is refused unsigned: the old unsigned payload, garbage, or anything else on the channel", () => {
    for (const payload of [undefined, "", "hello", "{}", '{"replica":"pg-eu-west-1","regionId":"aws:eu-west-1"}']) {
      expect(reason(verifyVouch(payload, context()))).toBe("not a signed vouch");
    }
  });

  it("is refused when signed by any key but the one the control plane lists for that witness", () => {
    expect(reason(verifyVouch(signVouch(claims(), stranger.privateKey), context()))).toBe("the signature does not verify under pg-eu-west-1's key");
    // Another listed witness's key does not do either: each vouch is one witness's word.
    expect(reason(verifyVouch(signVouch(claims(), asia.privateKey), context()))).toBe("the signature does not verify under pg-eu-west-1's key");
  });

  it("is refused when its signed claims were altered", () => {
    const payload = JSON.parse(signVouch(claims(), eu.privateKey)) as Record<string, unknown>;
    for (const change of [{ counter: 1_001 }, { notAfterUs: NOW_US + 900_000 }, { witness: "pg-ap-south-1" }]) {
      expect(verifyVouch(JSON.stringify({ ...payload, ...change }), context()).accepted).toBe(false);
    }
  });

  it("is refused from a witness the control plane does not list, or in this replica's own region", () => {
    expect(reason(verifyVouch(signVouch(claims({ witness: "pg-us-east-1b" }), stranger.privateKey), context()))).toBe(
      "pg-us-east-1b is not among the witnesses the control plane lists for pg-us-east-1",
    );
    const sameRegion = new Map([...roster, ["pg-us-east-1b", { regionId: SELF.regionId, key: witnessPublicKey(stranger.raw) }]]);
    expect(reason(verifyVouch(signVouch(claims({ witness: "pg-us-east-1b" }), stranger.privateKey), context({ roster: sameRegion })))).toBe("pg-us-east-1b is in this replica's own region");
    expect(reason(verifyVouch(signVouch(claims(), eu.privateKey), context({ roster: new Map() })))).toBe("pg-eu-west-1 is not among the witnesses the control plane lists for pg-us-east-1");
  });

  it("is refused when it vouches for another primary", () => {
    expect(reason(verifyVouch(signVouch(claims({ primary: "pg-eu-central-1" }), eu.privateKey), context()))).toBe("it vouches for pg-eu-central-1, not for pg-us-east-1");
  });

  it("is refused unless newer than the last one counted from that witness: a replay", () => {
    const counters = new Map([["pg-eu-west-1", 1_000]]);
    expect(reason(verifyVouch(signVouch(claims(), eu.privateKey), context({ counters })))).toBe("counter 1000 is not newer than 1000, the last from pg-eu-west-1 (a replay)");
    expect(verifyVouch(signVouch(claims({ counter: 999 }), eu.privateKey), context({ counters })).accepted).toBe(false);
    expect(verifyVouch(signVouch(claims({ counter: 1_001 }), eu.privateKey), context({ counters })).accepted).toBe(true);
  });

  it("is refused when it claims to hold further ahead than any witness sets an end", () => {
    const ahead = signVouch(claims({ notAfterUs: NOW_US + (WITNESS_VOUCH_WITHIN_MS + 1_001) * 1000 }), eu.privateKey);
    expect(reason(verifyVouch(ahead, context()))).toMatch(/^it claims to hold until \d+ µs, further ahead than any witness sets$/);
  });
});
