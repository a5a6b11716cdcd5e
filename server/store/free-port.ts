import net from "node:net";

function tryListen(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(null));
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** `preferred` when it is free, otherwise a port the kernel picks. */
export async function freePort(preferred?: number, host = "127.0.0.1"): Promise<number> {
  if (preferred) {
    const port = await tryListen(preferred, host);
    if (port) return port;
  }
  const port = await tryListen(0, host);
  if (!port) throw new Error(`could not find a free TCP port on ${host}`);
  return port;
}
