/**
 * A string value for a PostgreSQL configuration file (postgresql.auto.conf):
 * quoted, with backslashes and quotes escaped as its parser reads them, as
 * ALTER SYSTEM writes it. Its strings cannot hold a line break, and ALTER
 * SYSTEM refuses one; written here it would leave a server that does not
 * start, so it is refused too.
 */
export function confString(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error("a configuration file value cannot hold a line break");
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}
