import { describe, expect, it } from "vitest";
import { canonicalQuery, canonicalUri, EMPTY_PAYLOAD_HASH, sha256Hex, signRequest } from "./aws-sigv4";

/** AWS's Signature Version 4 test suite: its example credentials, region, service and time. */
const SUITE = {
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  scope: { region: "us-east-1", service: "service" },
  now: new Date("2015-08-30T12:36:00Z"),
};

/** The Amazon S3 API Reference's examples ("Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk"). */
const S3_DOCS = {
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  scope: { region: "us-east-1", service: "s3" },
  now: new Date("2013-05-24T00:00:00Z"),
};

const suite = (method: string, url: string) => signRequest({ method, url: new URL(url), headers: {}, payloadHash: EMPTY_PAYLOAD_HASH }, SUITE.credentials, SUITE.scope, SUITE.now);
const s3 = (method: string, url: string, headers: Record<string, string>, payloadHash: string) =>
  signRequest({ method, url: new URL(url), headers: { ...headers, "x-amz-content-sha256": payloadHash }, payloadHash }, S3_DOCS.credentials, S3_DOCS.scope, S3_DOCS.now);

describe("AWS Signature Version 4, against AWS's published examples", () => {
  it("get-vanilla: the canonical request, the string to sign and the Authorization header", () => {
    const signed = suite("GET", "https://example.amazonaws.com/");
    expect(signed.canonicalRequest).toBe(`GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_PAYLOAD_HASH}`);
    expect(signed.stringToSign).toBe("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    expect(signed.headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
    expect(signed.headers["x-amz-date"]).toBe("20150830T123600Z");
  });

  it("get-vanilla-query-order-key-case and post-vanilla", () => {
    expect(suite("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1").signature).toBe("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    expect(suite("POST", "https://example.amazonaws.com/").signature).toBe("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  });

  it("S3 PUT Object: a payload, a caller's header and a key that must be encoded", () => {
    const payloadHash = sha256Hex("Welcome to Amazon S3.");
    expect(payloadHash).toBe("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    const signed = s3("PUT", "https://examplebucket.s3.amazonaws.com/test$file.text", { Date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" }, payloadHash);
    expect(signed.headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
    );
  });

  it("S3 GET Object (a range), GET Bucket Lifecycle (a parameter without a value) and GET Bucket (a query to sort)", () => {
    expect(s3("GET", "https://examplebucket.s3.amazonaws.com/test.txt", { Range: "bytes=0-9" }, EMPTY_PAYLOAD_HASH).signature).toBe(
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    expect(s3("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle", {}, EMPTY_PAYLOAD_HASH).signature).toBe("fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    expect(s3("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", {}, EMPTY_PAYLOAD_HASH).signature).toBe(
      "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
    );
  });

  it("encodes paths and queries once, per RFC 3986", () => {
    expect(canonicalUri(new URL("https://h/test$file.text"))).toBe("/test%24file.text");
    expect(canonicalUri(new URL("https://h/a%20b/c d/ü"))).toBe("/a%20b/c%20d/%C3%BC");
    expect(canonicalQuery(new URL("https://h/?b=2&a=x*y&a=1"))).toBe("a=1&a=x%2Ay&b=2");
  });

  it("signs a session token with temporary credentials", () => {
    const signed = signRequest(
      { method: "GET", url: new URL("https://example.amazonaws.com/"), headers: {}, payloadHash: EMPTY_PAYLOAD_HASH },
      { ...SUITE.credentials, sessionToken: "token-1" },
      SUITE.scope,
      SUITE.now,
    );
    expect(signed.headers["x-amz-security-token"]).toBe("token-1");
    expect(signed.headers.authorization).toContain("SignedHeaders=host;x-amz-date;x-amz-security-token,");
  });
});
