/** Where something listens. */
export interface Address {
  host: string;
  port: number;
}

/** `127.0.0.1:14432`, the form agents' `replication.via` and the link table use. */
export function formatAddress(address: Address): string {
  return `${address.host}:${address.port}`;
}
