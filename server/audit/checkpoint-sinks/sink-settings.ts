import "server-only";
import type { SigV4Credentials } from "@/core/signing/aws-sigv4";

type Env = Readonly<Record<string, string | undefined>>;

export interface S3SinkSettings {
  /** The bucket (and prefix) as a URL that object names are appended to: path-style or virtual-hosted. */
  baseUrl: URL;
  region: string;
  credentials: SigV4Credentials;
}

/** Where signed audit checkpoints are published, and how often. */
export interface CheckpointSinkSettings {
  dir: string | null;
  webhook: { url: URL; token: string | null } | null;
  s3: S3SinkSettings | null;
  intervalMs: number;
}

const DEFAULT_INTERVAL_SECONDS = 60;

function httpUrl(name: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") throw new Error(`${name}: ${value} is not an http(s) URL`);
  return url;
}

/** `s3.eu-west-1.amazonaws.com`, `bucket.s3.eu-west-1.amazonaws.com`, `s3-eu-west-1.amazonaws.com`; anything else (MinIO, Ceph…) answers to us-east-1 unless told. */
function regionOf(url: URL): string {
  return /(?:^|\.)s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? "us-east-1";
}

function s3Settings(env: Env): S3SinkSettings | null {
  const raw = env.SWITCHYARD_AUDIT_CHECKPOINT_S3_URL;
  if (!raw) return null;
  const url = httpUrl("SWITCHYARD_AUDIT_CHECKPOINT_S3_URL", raw);
  if (url.search || url.hash) throw new Error(`SWITCHYARD_AUDIT_CHECKPOINT_S3_URL: ${raw} must name a bucket and prefix, without a query`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  const accessKeyId = env.SWITCHYARD_AUDIT_CHECKPOINT_S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.SWITCHYARD_AUDIT_CHECKPOINT_S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error("SWITCHYARD_AUDIT_CHECKPOINT_S3_URL is set without credentials: set SWITCHYARD_AUDIT_CHECKPOINT_S3_ACCESS_KEY_ID and _SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  const sessionToken = env.SWITCHYARD_AUDIT_CHECKPOINT_S3_SESSION_TOKEN ?? env.AWS_SESSION_TOKEN;
  return {
    baseUrl: url,
    region: env.SWITCHYARD_AUDIT_CHECKPOINT_S3_REGION || regionOf(url),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  };
}

/**
 * Read from the environment each time it is asked, like the alert webhooks,
 * so a misconfiguration is reported where publishing is, not by a copy that
 * refuses to start.
 */
export function checkpointSinkSettings(env: Env = process.env): CheckpointSinkSettings {
  const interval = env.SWITCHYARD_AUDIT_CHECKPOINT_INTERVAL_SECONDS;
  const seconds = interval ? Number(interval) : DEFAULT_INTERVAL_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 86_400) {
    throw new Error(`SWITCHYARD_AUDIT_CHECKPOINT_INTERVAL_SECONDS: ${interval} is not a whole number of seconds from 5 to 86400`);
  }
  const webhook = env.SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK;
  return {
    dir: env.SWITCHYARD_AUDIT_CHECKPOINT_DIR || null,
    webhook: webhook ? { url: httpUrl("SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK", webhook), token: env.SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK_TOKEN || null } : null,
    s3: s3Settings(env),
    intervalMs: seconds * 1000,
  };
}

/** Whether any sink is asked for (whatever else may be wrong with the settings). */
export function checkpointSinksWanted(env: Env = process.env): boolean {
  return Boolean(env.SWITCHYARD_AUDIT_CHECKPOINT_DIR || env.SWITCHYARD_AUDIT_CHECKPOINT_WEBHOOK || env.SWITCHYARD_AUDIT_CHECKPOINT_S3_URL);
}
