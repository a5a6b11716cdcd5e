import type net from "node:net";

/** Listens on 127.0.0.1:`port` (0: one the kernel picks); answers the port. */
export function listenAt(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * Listens on 127.0.0.1: on `port` when it is free, else on one the kernel
 * picks, never one of `avoid` (ports others will want later, such as the
 * lab's clusters that are not running yet, which the kernel's picks from the
 * same range could otherwise take).
 */
export async function listenAvoiding(server: net.Server, port: number, avoid: ReadonlySet<number>): Promise<number> {
  let wanted = avoid.has(port) ? 0 : port;
  for (;;) {
    const bound = await listenAt(server, wanted).catch((error: NodeJS.ErrnoException) => {
      if (wanted === 0 || error.code !== "EADDRINUSE") throw error;
      return null;
    });
    if (bound !== null && !avoid.has(bound)) return bound;
    if (bound !== null) await new Promise((resolve) => server.close(resolve));
    wanted = 0;
  }
}
