import "server-only";
import type { CheckpointSink } from "./checkpoint-sink";
import { fileSink } from "./file-sink";
import { s3Sink } from "./s3-sink";
import { checkpointSinkSettings, type CheckpointSinkSettings } from "./sink-settings";
import { webhookSink } from "./webhook-sink";

export function sinksOf(settings: CheckpointSinkSettings): CheckpointSink[] {
  return [
    ...(settings.dir ? [fileSink(settings.dir)] : []),
    ...(settings.webhook ? [webhookSink(settings.webhook.url, settings.webhook.token)] : []),
    ...(settings.s3 ? [s3Sink(settings.s3)] : []),
  ];
}

/** The sinks the environment asks for, or why it cannot be understood. */
export function configuredSinks(env: Readonly<Record<string, string | undefined>> = process.env): { sinks: CheckpointSink[]; settings: CheckpointSinkSettings | null; problem: string | null } {
  try {
    const settings = checkpointSinkSettings(env);
    return { sinks: sinksOf(settings), settings, problem: null };
  } catch (error) {
    return { sinks: [], settings: null, problem: (error as Error).message };
  }
}
