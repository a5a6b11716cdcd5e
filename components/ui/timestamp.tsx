/** A UTC timestamp, unambiguous for people in different time zones on one incident. */
export function Timestamp({ iso, empty = "never" }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  return <time dateTime={iso}>{text}</time>;
}
