/**
 * Characters that make a spreadsheet read a cell as a formula when it starts
 * with one (OWASP's list: = + - @ tab CR, with LF and NUL), and the single
 * quote that marks a neutralised cell, so that the marking stays reversible.
 */
const FORMULA_START = /^[=+\-@\t\r\n\0']/;

/** Said wherever the CSV export is offered, since a neutralised cell differs from what was hashed. */
export const SPREADSHEET_SAFE_NOTE =
  "Cells that begin with = + - @ a tab, CR, LF, NUL or ' are written with a ' in front, so that no spreadsheet runs them as formulas; remove one leading ' to get the exact value. JSON Lines exports hold exact values, for verifying hashes.";

/**
 * A value as a spreadsheet should show it: one starting with a formula
 * character gets a single quote in front, as OWASP recommends against
 * formula injection (a sign-in email `=2+5+cmd|…` must stay text).
 */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * RFC 4180 fields: quoted when they hold a comma, a quote, CR or LF, quotes
 * doubled; records end with CRLF. Null is an empty field, and an empty
 * string is `""` so the two stay distinguishable. Text is made
 * spreadsheet-safe first; numbers are written as they are.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : spreadsheetSafe(value);
  if (text === "" || /[",\r\n]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function csvRecord(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
