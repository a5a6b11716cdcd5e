/**
 * Polls `read` every `everyMs` until `accept` holds for what it returned,
 * and returns that; after `timeoutMs` throws naming `what` and the last value.
 * A read that throws ends the wait with its error: a read that should ride
 * out errors (a server still starting) catches them and returns the error.
 */
export async function until<T>(what: string, read: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${lastValue(value)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function lastValue(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(JSON.stringify(value)).slice(0, 4000);
}
