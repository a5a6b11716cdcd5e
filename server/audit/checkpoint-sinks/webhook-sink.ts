import "server-only";
import type { SignedAuditCheckpoint } from "@/core/audit/checkpoint";
import { checkpointBody, type CheckpointSink } from "./checkpoint-sink";

const TIMEOUT_MS = 10_000;

/** POSTs each checkpoint as JSON; the receiver keeps them (it cannot be read back from here). */
export function webhookSink(url: URL, token: string | null): CheckpointSink {
  return {
    name: "webhook",
    target: `${url.origin}${url.pathname}`,
    async publish(document: SignedAuditCheckpoint) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: checkpointBody(document),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${url.origin}${url.pathname} answered ${response.status}`);
    },
  };
}
