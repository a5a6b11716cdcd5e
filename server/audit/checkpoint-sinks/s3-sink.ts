import "server-only";
import type { SignedAuditCheckpoint } from "@/core/audit/checkpoint";
import { EMPTY_PAYLOAD_HASH, sha256Hex, signRequest } from "@/core/signing/aws-sigv4";
import { checkpointBody, checkpointFileName, parsedOrText, type CheckpointSink } from "./checkpoint-sink";
import type { S3SinkSettings } from "./sink-settings";

const TIMEOUT_MS = 15_000;
const LATEST = "latest.json";

/** The S3 error code of a refused request (`SignatureDoesNotMatch`, `AccessDenied`…), or its status. */
async function refusal(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
  return `${response.status}${code ? ` ${code}` : ""}`;
}

/**
 * S3 or an S3-compatible store (MinIO, Ceph, R2…): each checkpoint as its own
 * object and as `latest.json`, by PUT signed with AWS Signature Version 4.
 * Give the credentials PutObject and GetObject only, and turn on versioning
 * or Object Lock on the bucket, so that even this box cannot take a
 * published checkpoint back.
 */
export function s3Sink(settings: S3SinkSettings): CheckpointSink {
  const { baseUrl, region, credentials } = settings;
  const objectUrl = (name: string) => new URL(name, baseUrl);

  async function send(method: "PUT" | "GET", url: URL, body?: string): Promise<Response> {
    const payloadHash = body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(body);
    const headers: Record<string, string> = { "x-amz-content-sha256": payloadHash, ...(body === undefined ? {} : { "content-type": "application/json" }) };
    const signed = signRequest({ method, url, headers, payloadHash }, credentials, { region, service: "s3" }, new Date());
    // fetch derives Host from the URL, the same value that was signed, and refuses to be given it.
    const { host: _host, ...sent } = signed.headers;
    return fetch(url, { method, headers: sent, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  }

  async function put(name: string, body: string): Promise<void> {
    const response = await send("PUT", objectUrl(name), body);
    if (!response.ok) throw new Error(`PUT ${objectUrl(name).pathname} was refused: ${await refusal(response)}`);
    await response.body?.cancel();
  }

  return {
    name: "s3",
    target: `${baseUrl.origin}${baseUrl.pathname}`,
    async publish(document: SignedAuditCheckpoint) {
      const body = checkpointBody(document);
      await put(checkpointFileName(document.seq), body);
      await put(LATEST, body);
    },
    async published() {
      const response = await send("GET", objectUrl(LATEST));
      if (response.status === 404) {
        await response.body?.cancel();
        return { count: 0, read: async () => null };
      }
      if (!response.ok) throw new Error(`GET ${objectUrl(LATEST).pathname} was refused: ${await refusal(response)}`);
      const latest = parsedOrText(await response.text());
      return { count: 1, read: async () => latest };
    },
  };
}
