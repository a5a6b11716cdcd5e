/** One entry of the status page's feed: an incident update. */
export interface FeedEntry {
  /** Stable: a reader shows an entry once. */
  id: string;
  title: string;
  body: string;
  updatedAt: Date;
  link: string;
}

export interface Feed {
  id: string;
  title: string;
  /** The page the feed is about. */
  link: string;
  /** The feed's own address. */
  self: string;
  entries: readonly FeedEntry[];
  /** When nothing was ever posted. */
  emptySince: Date;
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped, not escaped.
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "").replace(/[&<>"']/g, (char) => XML_ESCAPES[char]!);
}

/** An Atom 1.0 document (RFC 4287), newest entry first. */
export function atomFeed(feed: Feed): string {
  const entries = [...feed.entries].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  const updated = entries[0]?.updatedAt ?? feed.emptySince;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(feed.id)}</id>`,
    `  <title>${escapeXml(feed.title)}</title>`,
    `  <updated>${updated.toISOString()}</updated>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(feed.link)}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.self)}"/>`,
    `  <author><name>${escapeXml(feed.title)}</name></author>`,
    ...entries.flatMap((entry) => [
      "  <entry>",
      `    <id>${escapeXml(entry.id)}</id>`,
      `    <title>${escapeXml(entry.title)}</title>`,
      `    <updated>${entry.updatedAt.toISOString()}</updated>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(entry.link)}"/>`,
      `    <content type="text">${escapeXml(entry.body)}</content>`,
      "  </entry>",
    ]),
    "</feed>",
    "",
  ];
  return lines.join("\n");
}
