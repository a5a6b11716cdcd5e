import "server-only";
import type { Health } from "@/contracts/health";
import { db } from "../db/client";

export async function storeHealth(version: string): Promise<Health> {
  const started = performance.now();
  const time = new Date().toISOString();
  try {
    await db().$queryRaw`SELECT 1`;
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { status: "ok", store: { status: "up", latencyMs }, version, time };
  } catch {
    return { status: "unavailable", store: { status: "down", latencyMs: null, error: "store unreachable" }, version, time };
  }
}
