import { OPERATIONS } from "@/contracts/operations";
import { commandSigningKey } from "@/server/commands/signing-key";
import { apiRoute } from "@/server/http/api-route";

export const GET = apiRoute(OPERATIONS.commandKey, async () => ({ publicKey: (await commandSigningKey()).publicKeyPem }));
