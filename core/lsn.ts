/** An LSN (decimal string) as a number that compares exactly. */
export const bigintOf = (value: string | null) => (value === null ? null : BigInt(value));
/** A WAL byte position in PostgreSQL's own notation (`16/B374D848`), as operators compare it with pg_current_wal_lsn(). */
export function formatLsn(position: string | null): string | null {
  if (position === null || !/^[0-9]+$/.test(position)) return position;
  const value = BigInt(position);
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}
