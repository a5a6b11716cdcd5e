import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { verifyVouch, witnessPublicKey } from "./primary-lease/vouch";
import { WITNESS_KEY_FILE, WitnessIdentity } from "./witness-identity";

const EU = { replica: "pg-eu-west-1", regionId: "aws:eu-west-1" };

describe("an agent's witness identity", () => {
  it("makes its key on the first start, private to its user, and keeps it across restarts", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "witness-identity-"));
    const first = WitnessIdentity.open(dir, EU);
    expect(statSync(path.join(dir, WITNESS_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, WITNESS_KEY_FILE), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(WitnessIdentity.open(dir, EU).publicKey).toBe(first.publicKey);
    expect(WitnessIdentity.open(mkdtempSync(path.join(os.tmpdir(), "witness-identity-")), EU).publicKey).not.toBe(first.publicKey);
  });

  it("signs vouches the primary's agent verifies under its public key, with counters that only go up, also across a restart", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "witness-identity-"));
    let clockUs = 5_000_000;
    const identity = WitnessIdentity.open(dir, EU, () => clockUs);
    const roster = new Map([[EU.replica, { regionId: EU.regionId, key: witnessPublicKey(identity.publicKey) }]]);
    const check = (payload: string, counters = new Map<string, number>()) =>
      verifyVouch(payload, { self: { replica: "pg-us-east-1", regionId: "aws:us-east-1" }, roster, counters, arrivedUs: 10_000_000 });
    const first = check(identity.vouch("pg-us-east-1", 10_500_000));
    const second = check(identity.vouch("pg-us-east-1", 10_600_000));
    expect(first).toMatchObject({ accepted: true, counter: 5_000_000 });
    expect(second).toMatchObject({ accepted: true, counter: 5_000_001 });
    // Restarted later, it carries on above its last vouch: the counter follows its clock.
    clockUs = 9_000_000;
    const restarted = WitnessIdentity.open(dir, EU, () => clockUs);
    expect(check(restarted.vouch("pg-us-east-1", 10_700_000), new Map([[EU.replica, 5_000_001]]))).toMatchObject({ accepted: true, counter: 9_000_000 });
  });
});
