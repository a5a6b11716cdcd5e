import { Badge, type Tone } from "@/components/ui/badge";

const TONES: Record<string, Tone> = {
  pending: "neutral",
  running: "info",
  waiting: "warn",
  succeeded: "ok",
  skipped: "neutral",
  failed: "bad",
  paused: "warn",
  compensating: "warn",
  aborted: "bad",
  scheduled: "info",
  cancelled: "neutral",
  refused: "bad",
  starting: "info",
  switching_back: "info",
  passed: "ok",
  awaiting_approval: "warn",
  rejected: "bad",
  expired: "bad",
};

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={TONES[state] ?? "neutral"}>{state}</Badge>;
}
