import { describe, expect, it } from "vitest";
import { PDF_WRAP_COLUMNS, textPdf, wrapLine } from "./text-pdf";

const asText = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("wrapLine", () => {
  it("breaks at spaces within the columns, and hard when a word is longer", () => {
    expect(wrapLine("aaa bbb ccc", 7)).toEqual(["aaa bbb", "ccc"]);
    expect(wrapLine("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapLine("", 4)).toEqual([""]);
  });
});

describe("textPdf", () => {
  it("writes a well-formed PDF whose cross-reference offsets point at its objects", () => {
    const pdf = asText(textPdf("# Review\nRun (r1): observed RTO 8.4 s \\ done"));
    expect(pdf.startsWith("%PDF-1.4\n")).toBe(true);
    expect(pdf.endsWith("%%EOF\n")).toBe(true);
    expect(pdf).toContain("(Run \\(r1\\): observed RTO 8.4 s \\\\ done) Tj");
    const xref = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xref, xref + 4)).toBe("xref");
    const offsets = [...pdf.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));
    offsets.forEach((offset, index) => expect(pdf.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`));
  });

  it("pages long text and replaces what the standard font cannot show", () => {
    const pdf = asText(textPdf([...Array(130).keys()].map((n) => `line ${n} → ✓`).join("\n")));
    expect(pdf).toContain("/Count 3");
    expect(pdf).toContain("(line 0 ? ?) Tj");
    expect(pdf).not.toContain("→");
  });

  it("wraps lines longer than the page is wide", () => {
    const pdf = asText(textPdf("x".repeat(PDF_WRAP_COLUMNS + 5)));
    expect(pdf).toContain(`(${"x".repeat(5)}) Tj`);
  });
});
