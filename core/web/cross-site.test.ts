import { describe, expect, it } from "vitest";
import { CROSS_SITE_RULES, decideCrossSite, type RequestProvenance } from "./cross-site";

const browserPost: RequestProvenance = {
  method: "POST",
  authorization: false,
  sessionCookie: true,
  fetchSite: "same-origin",
  origin: "http://127.0.0.1:3000",
  host: "127.0.0.1:3000",
  publicOrigin: "http://localhost:3000",
};

const decide = (change: Partial<RequestProvenance>) => decideCrossSite({ ...browserPost, ...change });

describe("the cross-site rule", () => {
  it("has unique ids and ends with a row that always matches and refuses", () => {
    const ids = CROSS_SITE_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    const last = CROSS_SITE_RULES.at(-1)!;
    expect(last.allow).toBe(false);
    expect(last.when({ ...browserPost, fetchSite: null, origin: null })).toBe(true);
  });

  it.each([
    ["safe-method", { method: "GET", fetchSite: "cross-site", origin: "http://evil.example" }, true],
    ["token", { authorization: true, fetchSite: "cross-site", origin: "http://evil.example" }, true],
    ["no-session", { sessionCookie: false, fetchSite: "cross-site", origin: "http://evil.example" }, true],
    ["fetch-site-own", {}, true],
    ["fetch-site-own", { fetchSite: "none", origin: null }, true],
    ["fetch-site-other", { fetchSite: "cross-site", origin: "http://evil.example" }, false],
    // Another port of the same host is the same site: its cookies go along, so it must be refused.
    ["fetch-site-other", { fetchSite: "same-site", origin: "http://127.0.0.1:4000" }, false],
    // Sec-Fetch-Site is authoritative: an Origin matching the host does not rescue a cross-site fetch.
    ["fetch-site-other", { fetchSite: "cross-site" }, false],
    ["origin-own", { fetchSite: null }, true],
    ["origin-own", { fetchSite: null, origin: "http://localhost:3000", host: "10.0.0.5:3000" }, true],
    ["origin-other", { fetchSite: null, origin: "http://evil.example" }, false],
    ["origin-other", { fetchSite: null, origin: "http://127.0.0.1:4000" }, false],
    ["origin-other", { fetchSite: null, origin: "null" }, false],
    ["origin-other", { fetchSite: null, origin: "not a url" }, false],
    ["origin-other", { fetchSite: null, origin: "http://127.0.0.1:3000", host: null, publicOrigin: null }, false],
    ["no-provenance", { fetchSite: null, origin: null }, false],
  ] as const)("%s: %j → %s", (rule, change, allow) => {
    const decision = decide(change);
    expect(decision).toMatchObject({ rule, allow });
    expect(decision.sentence.length).toBeGreaterThan(10);
  });

  it("applies to every changing method, whatever its case", () => {
    for (const method of ["POST", "PATCH", "PUT", "DELETE", "post"]) expect(decide({ method, fetchSite: "cross-site" }).allow).toBe(false);
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) expect(decide({ method, fetchSite: "cross-site" }).allow).toBe(true);
  });
});
