/**
 * The command an admin hands to whoever runs the replica's host. It carries
 * the command key's fingerprint, so the agent refuses to pin any other key
 * (a wrong URL, a machine in the middle); the monitoring URL is theirs to
 * fill in, as only the host knows its credentials. The token goes in the
 * environment, not on the command line, where `ps` would show it to every
 * user of the host.
 */
export function enrollCommandLine(controlPlaneUrl: string, token: string, fingerprint: string, replica: { engine: string; databaseName: string }): string {
  const server =
    replica.engine === "mariadb"
      ? `--mariadb 'mariadb://switchyard_monitor@127.0.0.1:3306/${encodeURIComponent(replica.databaseName)}'`
      : "--postgres 'postgresql://switchyard_monitor@127.0.0.1:5432/postgres'";
  return `SWITCHYARD_ENROLLMENT_TOKEN=${token} switchyard-agent enroll --control-plane ${controlPlaneUrl} --expect-fingerprint ${fingerprint} ${server}`;
}
