/**
 * A lease server's clock against this process's monotonic one, measured on
 * each read of the server's clock: witnesses date their vouches on the
 * server's clock, and the keeper counts on its own.
 */
export class ServerClock {
  private offsetUs: number | null = null;

  constructor(private readonly monotonic: () => number) {}

  /** The server's clock (µs since the epoch) as a read sent at `sentAt` (monotonic ms) answered it, now. */
  answered(serverNowUs: number, sentAt: number): void {
    // The server read its clock somewhere within the round trip; on the same host that is well under a millisecond.
    this.offsetUs = serverNowUs - ((sentAt + this.monotonic()) / 2) * 1000;
  }

  /** A moment on the monotonic clock (ms) on the server's clock (µs since the epoch); null before the first read. */
  serverTimeUs(monotonicMs: number): number | null {
    return this.offsetUs === null ? null : monotonicMs * 1000 + this.offsetUs;
  }

  /** The inverse of serverTimeUs. */
  monotonicMs(serverUs: number): number | null {
    return this.offsetUs === null ? null : (serverUs - this.offsetUs) / 1000;
  }
}
