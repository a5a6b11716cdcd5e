import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import type { AgentCommandClaims } from "@/contracts/agent-commands";

/**
 * Signs commands the way the control plane does, with a key made for the
 * test. Only tests import this; the agent itself never signs.
 */
export interface TestSigner {
  publicKeyPem: string;
  /** Signs any payload, so tests can also make tokens no control plane would. */
  sign(payload: Record<string, unknown>, header?: { alg: string }): Promise<string>;
  claims(overrides?: Partial<AgentCommandClaims>): AgentCommandClaims;
}

export async function createTestSigner(defaults: { agentName: string; replica: string; serviceId?: string }): Promise<TestSigner> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  let counter = 0;
  return {
    publicKeyPem: await exportSPKI(publicKey),
    sign: (payload, header = { alg: "EdDSA" }) => new SignJWT(payload).setProtectedHeader(header).sign(privateKey),
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
