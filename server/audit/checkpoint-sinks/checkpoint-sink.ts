import "server-only";
import type { SignedAuditCheckpoint } from "@/core/audit/checkpoint";

export type SinkName = "file" | "webhook" | "s3";

/** Checkpoints a sink published, newest first, read one at a time. */
export interface PublishedCheckpoints {
  count: number;
  /** The document as stored, unparsed and unverified. */
  read(index: number): Promise<unknown>;
}

/** A place off the box that signed checkpoints are published to. */
export interface CheckpointSink {
  name: SinkName;
  /** Where, for logs and reports; never a secret. */
  target: string;
  publish(document: SignedAuditCheckpoint): Promise<void>;
  /** What it published, when it can be read back (a webhook cannot). */
  published?(): Promise<PublishedCheckpoints>;
}

/** Object and file names sort by seq: `checkpoint-00000000000000001234.json`. */
export function checkpointFileName(seq: number): string {
  return `checkpoint-${String(seq).padStart(20, "0")}.json`;
}

export const CHECKPOINT_FILE = /^checkpoint-\d{20}\.json$/;

export const checkpointBody = (document: SignedAuditCheckpoint) => `${JSON.stringify(document, null, 2)}\n`;

/** A stored document as JSON, or as its text when it is not JSON (it is then rejected like any other non-checkpoint, not a reason to stop reading the sink). */
export function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
