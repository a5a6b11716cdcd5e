import "server-only";

/**
 * Stops the loops on SIGTERM or SIGINT, each giving its lease up, so another
 * control-plane copy takes over at once instead of when the leases expire.
 * Next.js closes its server on the same signals, then exits.
 */
export function stopOnSignals(stops: (() => Promise<void>)[]): void {
  // Every loop's failure to stop is said, each naming its own error, rather than the first one surfacing as an unhandled rejection.
  const stopAll = () =>
    void Promise.allSettled(stops.map((stop) => stop())).then((results) => {
      for (const result of results) if (result.status === "rejected") console.error(`[loops] a loop did not stop cleanly: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
    });
  process.once("SIGTERM", stopAll);
  process.once("SIGINT", stopAll);
}
