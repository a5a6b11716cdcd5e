import { OPERATIONS } from "@/contracts/operations";
import { commandKeyFingerprint } from "@/core/agents/command-key-fingerprint";
import { commandSigningKey } from "@/server/command-keys/signing-key";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.commandKey, async () => {
  const { publicKeyPem } = await commandSigningKey();
  return { publicKey: publicKeyPem, fingerprint: commandKeyFingerprint(publicKeyPem) };
});
