/**
 * A PDF of plain text lines (Helvetica, A4, wrapped, paged): enough to hand
 * a review to someone who wants a file, without a PDF library. Characters
 * outside Latin-1 become '?' (the standard fonts know no others).
 */

const PAGE = { width: 595, height: 842, margin: 50, fontSize: 10, leading: 13 };
const LINES_PER_PAGE = Math.floor((PAGE.height - 2 * PAGE.margin) / PAGE.leading);
/** Helvetica at 10 pt averages about 5 pt a character: this keeps lines inside the margins. */
export const PDF_WRAP_COLUMNS = 95;

/** Lines no longer than `columns`, broken at spaces where there is one. */
export function wrapLine(line: string, columns = PDF_WRAP_COLUMNS): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > columns) {
    const space = rest.lastIndexOf(" ", columns);
    const cut = space > 0 ? space : columns;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, "");
  }
  out.push(rest);
  return out;
}

/** A string as a PDF literal: backslash, parentheses escaped; Latin-1 only. */
const literal = (text: string) => `(${text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?").replace(/[\\()]/g, (char) => `\\${char}`)})`;

export function textPdf(text: string): Uint8Array {
  const lines = text.split(/\r?\n/).flatMap((line) => wrapLine(line));
  const pages: string[][] = [];
  for (let index = 0; index < lines.length; index += LINES_PER_PAGE) pages.push(lines.slice(index, index + LINES_PER_PAGE));
  if (!pages.length) pages.push([]);

  // Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
  const objects: string[] = [];
  const pageIds = pages.map((_, index) => 4 + index * 2);
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  pages.forEach((pageLines, index) => {
    const top = PAGE.height - PAGE.margin - PAGE.fontSize;
    const body = pageLines.map((line, row) => `1 0 0 1 ${PAGE.margin} ${top - row * PAGE.leading} Tm ${literal(line)} Tj`).join("\n");
    const stream = `BT /F1 ${PAGE.fontSize} Tf\n${body}\nET`;
    objects[pageIds[index]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index]! + 1} 0 R >>`;
    objects[pageIds[index]! + 1] = `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`;
  });

  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, "latin1");
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n${offsets.slice(1).map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}
