import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { replaceFileDurably } from "./durable-file";
import { signVouch, type VouchClaims } from "./primary-lease/vouch";

/** In the agent's queue folder, beside the queue: it belongs to this agent's state, as its sequence numbers do. */
export const WITNESS_KEY_FILE = "witness-key.pem";

/**
 * The key this agent signs its vouches with, made on its first start and
 * kept (mode 0600) in its state folder: the private half never leaves the
 * host. The control plane binds the public half to the agent's token when
 * the agent first offers it (in its report batches), and lists it for the
 * primaries this agent witnesses.
 */
export class WitnessIdentity {
  /** The public key, raw Ed25519 in base64url, as report batches carry it. */
  readonly publicKey: string;
  private counter = 0;

  private constructor(
    readonly replica: string,
    readonly regionId: string,
    private readonly privateKey: KeyObject,
    private readonly clockUs: () => number,
  ) {
    const jwk = createPublicKey(privateKey).export({ format: "jwk" });
    this.publicKey = jwk.x!;
  }

  /** The identity kept in `dir`, made there first if there is none. */
  static open(dir: string, witness: { replica: string; regionId: string }, clockUs: () => number = () => Date.now() * 1000): WitnessIdentity {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, WITNESS_KEY_FILE);
    let pem: string;
    try {
      pem = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      // Whole and durable before it is used: a crash never leaves half a key to be refused at the next start.
      replaceFileDurably(file, pem, 0o600);
    }
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`${file} holds an ${key.asymmetricKeyType} key, not an Ed25519 one`);
    return new WitnessIdentity(witness.replica, witness.regionId, key, clockUs);
  }

  /**
   * A signed vouch for `primary` that holds until `notAfterUs` (the primary's
   * clock). The counter follows the wall clock in microseconds and always
   * moves up, so a restarted witness carries on above its last vouch unless
   * its clock was set back by more than its downtime.
   */
  vouch(primary: string, notAfterUs: number): string {
    this.counter = Math.max(this.counter + 1, Math.floor(this.clockUs()));
    const claims: VouchClaims = { primary, witness: this.replica, counter: this.counter, notAfterUs };
    return signVouch(claims, this.privateKey);
  }
}
