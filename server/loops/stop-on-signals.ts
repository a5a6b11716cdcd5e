import "server-only";

/**
 * Stops the loops on SIGTERM or SIGINT, each giving its lease up, so another
 * control-plane copy takes over at once instead of when the leases expire.
 * Next.js closes its server on the same signals, then exits.
 */
export function stopOnSignals(stops: (() => Promise<void>)[]): void {
  const stopAll = () => void Promise.all(stops.map((stop) => stop()));
  process.once("SIGTERM", stopAll);
  process.once("SIGINT", stopAll);
}
