import { formatBytes, formatSeconds } from "@/core/format";

/** Columns padded to their widest cell, so a person can scan down them; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  return all
    .map((row) =>
      header
        .map((_, column) => (column === header.length - 1 ? (row[column] ?? "") : (row[column] ?? "").padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `2026-11-26 08:00:03Z`: always UTC, seconds precision, readable at a glance. */
export function utc(iso: string | null): string {
  if (iso === null) return "—";
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")}Z`;
}

export function ago(iso: string | null, now: Date): string {
  if (iso === null) return "never";
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  return `${formatSeconds(Math.round(seconds))} ago`;
}

export function lagText(bytes: number | null, seconds: number | null): string {
  if (bytes === null && seconds === null) return "—";
  return [bytes === null ? "? B" : formatBytes(bytes), seconds === null ? "? s" : formatSeconds(seconds)].join(" / ");
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function percent(ratio: number | null): string {
  return ratio === null ? "no budget" : `${Math.round(ratio * 100)}% of budget`;
}

/** `3 healthy, 1 stale`: only the states that have members, in the order given. */
export function counts(byState: Readonly<Record<string, number>>, order: readonly string[]): string {
  const parts = order.filter((state) => (byState[state] ?? 0) > 0).map((state) => `${byState[state]} ${state}`);
  return parts.length ? parts.join(", ") : "none";
}

/** Words filled into lines of at most `width` characters (a longer word gets a line of its own), for prose in a terminal or a file's comments. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
