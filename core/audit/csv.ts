/**
 * RFC 4180 fields: quoted when they hold a comma, a quote, CR or LF, quotes
 * doubled; records end with CRLF. Null is an empty field, and an empty
 * string is `""` so the two stay distinguishable.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  if (text === "" || /[",\r\n]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function csvRecord(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
