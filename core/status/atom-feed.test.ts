import { describe, expect, it } from "vitest";
import { atomFeed, escapeXml } from "./atom-feed";

const feed = {
  id: "https://status.example/feed.atom",
  title: "Example status",
  link: "https://status.example/",
  self: "https://status.example/feed.atom",
  emptySince: new Date("2026-12-01T00:00:00Z"),
};

describe("the Atom feed", () => {
  it("lists entries newest first, updated at the newest", () => {
    const xml = atomFeed({
      ...feed,
      entries: [
        { id: "u1", title: "Investigating", body: "Writes fail", updatedAt: new Date("2026-12-05T10:00:00Z"), link: "https://status.example/#i1" },
        { id: "u2", title: "Resolved", body: "All good", updatedAt: new Date("2026-12-05T11:00:00Z"), link: "https://status.example/#i1" },
      ],
    });
    expect(xml.indexOf("<id>u2</id>")).toBeLessThan(xml.indexOf("<id>u1</id>"));
    expect(xml).toContain("<updated>2026-12-05T11:00:00.000Z</updated>\n  <link");
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
  });

  it("says when it was started when nothing was posted", () => {
    expect(atomFeed({ ...feed, entries: [] })).toContain("<updated>2026-12-01T00:00:00.000Z</updated>");
  });

  it("escapes what a person wrote, so an update cannot inject markup", () => {
    const xml = atomFeed({ ...feed, entries: [{ id: "u", title: "<script>", body: `a & b "c" 'd' \u0001`, updatedAt: new Date(), link: "https://x/?a=1&b=2" }] });
    expect(xml).toContain("<title>&lt;script&gt;</title>");
    expect(xml).toContain("a &amp; b &quot;c&quot; &apos;d&apos; </content>");
    expect(xml).toContain('href="https://x/?a=1&amp;b=2"');
    expect(escapeXml("\uFFFF")).toBe("");
  });
});
