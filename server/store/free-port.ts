import { readFileSync } from "node:fs";
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

const LOWEST = 15_000;
const ATTEMPTS = 20;

/**
 * Ports below the kernel's ephemeral range: outgoing connections take their
 * local ports from that range, so a port found free there can be taken by
 * any connection before the caller binds it (a test's agent then failed to
 * start with EADDRINUSE); one found free below it stays free until someone binds it.
 */
function belowEphemeral(): [number, number] {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > LOWEST + 1000) return [LOWEST, low - 1];
  } catch {
    // Not Linux: the usual range's lower bound.
  }
  return [LOWEST, 32_767];
}

/** `preferred` when it is free, otherwise a free port below the ephemeral range, otherwise one the kernel picks. */
export async function freePort(preferred?: number, host = "127.0.0.1"): Promise<number> {
  if (preferred) {
    const port = await tryListen(preferred, host);
    if (port) return port;
  }
  const [low, high] = belowEphemeral();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await tryListen(low + Math.floor(Math.random() * (high - low + 1)), host);
    if (port) return port;
  }
  const port = await tryListen(0, host);
  if (!port) throw new Error(`could not find a free TCP port on ${host}`);
  return port;
}
