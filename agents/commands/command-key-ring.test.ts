import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMAND_KEY_STATEMENT_TYPE } from "@/contracts/command-keys";
import { CommandKeyRing, KEY_RING_FILE, type StatementOutcome } from "./command-key-ring";
import { createTestSigner, type TestSigner } from "./test-signer";

const AGENT = "orders-eu-agent";
const REPLICA = "orders-eu";

let current: TestSigner;
let next: TestSigner;
let stranger: TestSigner;
let dir: string;

beforeAll(async () => {
  const make = () => createTestSigner({ agentName: AGENT, replica: REPLICA });
  [current, next, stranger] = await Promise.all([make(), make(), make()]);
});

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-key-ring-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A key statement as the control plane signs it (server/commands/key-rotation.ts). */
function statement(by: TestSigner, generation: number, keys: { id: string; publicKey: string }[], header: Record<string, string> = {}): Promise<string> {
  return by.sign({ iss: "switchyard", iat: Math.floor(Date.now() / 1000), generation, keys }, { alg: "EdDSA", typ: COMMAND_KEY_STATEMENT_TYPE, kid: by.id, ...header });
}

const entry = (signer: TestSigner) => ({ id: signer.id, publicKey: signer.publicKeyPem });

function refusal(outcomes: StatementOutcome[]): string {
  const [outcome] = outcomes;
  if (outcome?.kind !== "refused") throw new Error(`not refused: ${JSON.stringify(outcome)}`);
  return outcome.reason;
}

describe("CommandKeyRing", () => {
  it("trusts only the pinned key until a statement says otherwise", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    expect(ring.ids).toEqual([current.id]);
    expect(ring.generation).toBe(0);
    expect(ring.keyFor(current.id)).toBeDefined();
    expect(ring.keyFor(next.id)).toBeUndefined();
  });

  it("follows a rotation: current + next once it starts, the next only once it completes, kept across restarts in a 0600 file", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    expect(await ring.accept([await statement(current, 1, [entry(current), entry(next)])])).toEqual([{ kind: "applied", generation: 1, keys: [current.id, next.id] }]);
    expect(ring.ids).toEqual([current.id, next.id]);
    expect(statSync(path.join(dir, KEY_RING_FILE)).mode & 0o777).toBe(0o600);

    expect(await ring.accept([await statement(next, 2, [entry(next)])])).toEqual([{ kind: "applied", generation: 2, keys: [next.id] }]);
    expect(ring.keyFor(current.id)).toBeUndefined();

    const restarted = await CommandKeyRing.open(dir, current.publicKeyPem);
    expect(restarted.ids).toEqual([next.id]);
    expect(restarted.generation).toBe(2);
  });

  it("passes over a replayed statement, so a retired key is not trusted again", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    const start = await statement(current, 1, [entry(current), entry(next)]);
    await ring.accept([start, await statement(next, 2, [entry(next)])]);
    expect(await ring.accept([start])).toEqual([{ kind: "stale", generation: 1 }]);
    // Signed by the key still trusted, but not newer than what the ring holds.
    expect(await ring.accept([await statement(next, 2, [entry(next), entry(current)])])).toEqual([{ kind: "stale", generation: 2 }]);
    expect(ring.ids).toEqual([next.id]);
  });

  it("refuses a statement signed by a key it does not trust, or by another key under a trusted id", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    expect(refusal(await ring.accept([await statement(stranger, 1, [entry(stranger)])]))).toMatch(
      new RegExp(`^the key statement is signed with key ${stranger.id}, which this agent does not trust`),
    );
    expect(refusal(await ring.accept([await statement(stranger, 1, [entry(stranger)], { kid: current.id })]))).toBe(
      "the key statement's signature does not verify against the key its kid names",
    );
    expect(ring.ids).toEqual([current.id]);
    expect(ring.generation).toBe(0);
  });

  it("refuses a signed command or roster passed off as a statement, and a statement without its type", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    const claims = { iss: "switchyard", iat: Math.floor(Date.now() / 1000), generation: 1, keys: [entry(stranger)] };
    expect(refusal(await ring.accept([await current.sign(claims)]))).toMatch(/could not be verified: .*typ/);
    expect(refusal(await ring.accept([await current.sign(claims, { alg: "EdDSA", kid: current.id, typ: "switchyard-witness-roster+jwt" })]))).toMatch(/typ/);
    expect(ring.ids).toEqual([current.id]);
  });

  it("refuses a statement listing a key under an id that is not its fingerprint, or a private key", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    expect(refusal(await ring.accept([await statement(current, 1, [{ id: next.id, publicKey: stranger.publicKeyPem }])]))).toBe(
      `the key statement lists a key under the id ${next.id}, but its fingerprint is ${stranger.id}`,
    );
    const privatePem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(refusal(await ring.accept([await statement(current, 1, [{ id: next.id, publicKey: privatePem }])]))).toMatch(/must be an SPKI PEM public key/);
    expect(ring.ids).toEqual([current.id]);
  });

  it("follows a cancelled rotation back to the current key alone", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    await ring.accept([await statement(current, 1, [entry(current), entry(next)]), await statement(current, 2, [entry(current)])]);
    expect(ring.ids).toEqual([current.id]);
    expect(ring.generation).toBe(2);
  });

  it("starts again from the pinned key when the config pins another one (enrolled again), or the file is damaged", async () => {
    const ring = await CommandKeyRing.open(dir, current.publicKeyPem);
    await ring.accept([await statement(current, 1, [entry(current), entry(next)])]);
    const reenrolled = await CommandKeyRing.open(dir, stranger.publicKeyPem);
    expect(reenrolled.ids).toEqual([stranger.id]);
    expect(reenrolled.generation).toBe(0);

    writeFileSync(path.join(dir, KEY_RING_FILE), "{");
    expect((await CommandKeyRing.open(dir, current.publicKeyPem)).ids).toEqual([current.id]);
    expect(readFileSync(path.join(dir, KEY_RING_FILE), "utf8")).toBe("{");
  });
});
