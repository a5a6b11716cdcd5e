import { describe, expect, it } from "vitest";
import { apiSecurityHeaders, DOCUMENTLESS_POLICY, HSTS, newNonce, pageContentSecurityPolicy, pageSecurityHeaders, SECURITY_HEADERS, servedOverHttps, staticSecurityHeaders } from "./security-headers";

const directives = (policy: string) => new Map(policy.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe("security headers", () => {
  it("are a table with one reason a row and unique names per place", () => {
    const keys = SECURITY_HEADERS.map((header) => `${header.on}:${header.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const header of SECURITY_HEADERS) expect(header.why).toMatch(/\.$/);
  });

  it("give pages a script policy of the response's nonce only: no inline scripts, no eval in production", () => {
    const policy = directives(pageContentSecurityPolicy({ nonce: "abc123", https: false, development: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(policy.get("style-src")).toEqual(["'self'", "'nonce-abc123'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
    const scriptSources = [...policy.entries()].filter(([name]) => name.startsWith("script-src") || name === "default-src").flatMap(([, values]) => values);
    expect(scriptSources).not.toContain("'unsafe-inline'");
    expect(scriptSources).not.toContain("'unsafe-eval'");
  });

  it("send HSTS and upgrade requests only when served over https", () => {
    const over = (https: boolean) => new Map(pageSecurityHeaders({ nonce: "n", https, development: false }));
    expect(over(true).get("strict-transport-security")).toBe(HSTS);
    expect(directives(over(true).get("content-security-policy")!).has("upgrade-insecure-requests")).toBe(true);
    expect(over(false).has("strict-transport-security")).toBe(false);
    expect(servedOverHttps("https://switchyard.example.com")).toBe(true);
    expect(servedOverHttps("http://localhost:3000")).toBe(false);
    expect(servedOverHttps(undefined)).toBe(false);
  });

  it("put nosniff, frame denial and the referrer policy on everything, and a run-nothing policy on the API", () => {
    const [everything, api] = staticSecurityHeaders();
    expect(everything!.source).toBe("/:path*");
    expect(Object.fromEntries(everything!.headers.map((header) => [header.key, header.value]))).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "same-origin",
    });
    expect(api).toEqual({ source: "/api/v1/:path*", headers: [{ key: "content-security-policy", value: DOCUMENTLESS_POLICY }] });
    expect(directives(DOCUMENTLESS_POLICY).get("default-src")).toEqual(["'none'"]);
  });

  it("give an API answer served without Next.js exactly what next.config.ts gives an API answer", () => {
    const configured = staticSecurityHeaders().flatMap((rule) => rule.headers.map((header) => [header.key, header.value] as const));
    expect(new Map(apiSecurityHeaders())).toEqual(new Map(configured));
  });

  it("make a nonce of 128 random bits, new every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
