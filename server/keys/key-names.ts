/**
 * The names keys are kept under in the key provider. Rotated command keys
 * get names of their own (`command-signing-key.<id prefix>`): the store's
 * CommandKey table says which name holds which key.
 */
export const SESSION_SECRET_KEY = "session-secret";
export const FIRST_COMMAND_KEY = "command-signing-key";

/** The name a rotated command key is kept under, from its id (the public key's fingerprint). */
export function rotatedCommandKeyName(keyId: string): string {
  return `${FIRST_COMMAND_KEY}.${keyId.replaceAll(":", "").slice(0, 16).toLowerCase()}`;
}
