import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";

/**
 * A secret shared by every control-plane copy on this store, created by
 * whichever copy starts first.
 */
export async function ensureSecret(client: Db, name: string): Promise<string> {
  const candidate = randomBytes(32).toString("base64url");
  await client.controlPlaneSecret.upsert({ where: { name }, create: { name, value: candidate }, update: {} });
  const stored = await client.controlPlaneSecret.findUniqueOrThrow({ where: { name } });
  return stored.value;
}
