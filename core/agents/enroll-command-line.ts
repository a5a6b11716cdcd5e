/**
 * The command an admin hands to whoever runs the replica's host; the
 * monitoring URL is for them to fill in (only the host knows its
 * credentials).
 */
export function enrollCommandLine(controlPlaneUrl: string, token: string): string {
  return `switchyard-agent enroll --control-plane ${controlPlaneUrl} --token ${token} --postgres 'postgresql://switchyard_monitor:…@127.0.0.1:5432/postgres'`;
}
