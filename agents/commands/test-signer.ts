import { exportSPKI, generateKeyPair, SignJWT, type JWSHeaderParameters } from "jose";
import type { AgentCommandClaims } from "@/contracts/agent-commands";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";

/**
 * Signs commands the way the control plane does, with a key made for the
 * test. Only tests import this; the agent itself never signs.
 */
export interface TestSigner {
  publicKeyPem: string;
  /** The key's id (its fingerprint), which the header of everything it signs names by default. */
  id: string;
  /** Signs any payload, so tests can also make tokens no control plane would. */
  sign(payload: Record<string, unknown>, header?: JWSHeaderParameters & { alg: string }): Promise<string>;
  claims(overrides?: Partial<AgentCommandClaims>): AgentCommandClaims;
}

export async function createTestSigner(defaults: { agentName: string; replica: string; serviceId?: string }): Promise<TestSigner> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  let counter = 0;
  const publicKeyPem = await exportSPKI(publicKey);
  const id = commandKeyFingerprint(publicKeyPem);
  return {
    publicKeyPem,
    id,
    sign: (payload, header = { alg: "EdDSA", kid: id }) => new SignJWT(payload).setProtectedHeader(header).sign(privateKey),
    claims(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      counter += 1;
      return {
        iss: "switchyard",
        aud: defaults.agentName,
        jti: `cmd-${counter}-${now}`,
        iat: now,
        exp: now + 300,
        kind: "checkpoint",
        args: {},
        serviceId: defaults.serviceId ?? "orders-db",
        replica: defaults.replica,
        epoch: 1,
        ...overrides,
      };
    },
  };
}
