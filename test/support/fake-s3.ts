import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenLocally } from "./local-server";

/**
 * A stand-in for S3 on 127.0.0.1 (there is none on this machine): path-style
 * GET and PUT of objects, each request authenticated the way S3 does it,
 * written here from AWS's description independently of the product's
 * signer: the signature is recomputed from what arrived (method, path, query,
 * the headers the request says it signed, the body's hash) with the secret
 * of the access key it names, and a request that does not match is refused
 * with S3's error codes.
 */
export interface FakeS3 {
  url: string;
  objects: Map<string, { body: string; contentType: string | undefined }>;
  /** Every request with how it was answered. */
  log: { method: string; path: string; status: number; code: string | null }[];
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

function refuse(response: ServerResponse, status: number, code: string): { status: number; code: string } {
  response.writeHead(status, { "content-type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
  return { status, code };
}

function authenticate(request: IncomingMessage, body: Buffer, secrets: ReadonlyMap<string, string>, region: string, now: Date): string | null {
  const authorization = request.headers.authorization ?? "";
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return "AuthorizationHeaderMalformed";
  const [, accessKey, day, credentialRegion, signedHeaders, signature] = match;
  const secret = secrets.get(accessKey!);
  if (!secret) return "InvalidAccessKeyId";
  if (credentialRegion !== region) return "AuthorizationHeaderMalformed";
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!stamp || amzDate.slice(0, 8) !== day) return "AccessDenied";
  const sent = Date.UTC(Number(stamp[1]), Number(stamp[2]) - 1, Number(stamp[3]), Number(stamp[4]), Number(stamp[5]), Number(stamp[6]));
  if (Math.abs(now.getTime() - sent) > 15 * 60_000) return "RequestTimeTooSkewed";
  const payloadHash = String(request.headers["x-amz-content-sha256"] ?? "");
  if (payloadHash !== sha256(body)) return "XAmzContentSHA256Mismatch";
  const names = signedHeaders!.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date") || !names.includes("x-amz-content-sha256")) return "AccessDenied";
  const [rawPath, rawQuery = ""] = (request.url ?? "/").split("?");
  const canonicalPath = rawPath!.split("/").map((segment) => encode(decodeURIComponent(segment))).join("/");
  const canonicalQuery = rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=").map((part) => encode(decodeURIComponent(part ?? ""))))
    .map(([name, value = ""]) => `${name}=${value}`)
    .sort()
    .join("&");
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, `${day}/${region}/s3/aws4_request`, sha256(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day!), region), "s3"), "aws4_request");
  return createHmac("sha256", key).update(stringToSign).digest("hex") === signature ? null : "SignatureDoesNotMatch";
}

export async function startFakeS3(credentials: { accessKeyId: string; secretAccessKey: string }, region = "us-east-1"): Promise<FakeS3> {
  const secrets = new Map([[credentials.accessKeyId, credentials.secretAccessKey]]);
  const objects: FakeS3["objects"] = new Map();
  const log: FakeS3["log"] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = decodeURIComponent((request.url ?? "/").split("?")[0]!);
      const answer = (() => {
        const refused = authenticate(request, body, secrets, region, new Date());
        if (refused) return refuse(response, refused === "InvalidAccessKeyId" || refused === "SignatureDoesNotMatch" || refused === "AccessDenied" ? 403 : 400, refused);
        if (request.method === "PUT") {
          objects.set(path, { body: body.toString("utf8"), contentType: request.headers["content-type"] });
          response.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"` }).end();
          return { status: 200, code: null };
        }
        if (request.method === "GET") {
          const object = objects.get(path);
          if (!object) return refuse(response, 404, "NoSuchKey");
          response.writeHead(200, { "content-type": object.contentType ?? "application/octet-stream" }).end(object.body);
          return { status: 200, code: null };
        }
        return refuse(response, 405, "MethodNotAllowed");
      })();
      log.push({ method: request.method ?? "", path, ...answer });
    });
  });
  const url = await listenLocally(server);
  return { url, objects, log, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
