import type net from "node:net";
import { performance } from "node:perf_hooks";
import type { LinkConditions } from "./links";
import { releaseTime, retransmissionDelayMs } from "./transmission";

/** Above this many held bytes the sender is paused, as a full TCP window would stop it. */
const HIGH_WATER_BYTES = 1024 * 1024;

interface Held {
  at: number;
  /** null: the sender's FIN, delivered in order after its data. */
  chunk: Buffer | null;
}

export interface DelayedPipeOptions {
  conditions: () => LinkConditions;
  random: () => number;
  /** See Transmission.sendableAt. */
  sendableAt: number;
  /** TCP gave up on a chunk: the connection must be reset. */
  onGiveUp: () => void;
  /** Flow control towards the socket the chunks come from. */
  pauseSender: () => void;
  resumeSender: () => void;
}

/**
 * One direction of a proxied connection: chunks are written to `to` at their
 * release time (transmission.ts), in the order they came. With no delay and
 * no loss a chunk is written at once, without a timer.
 */
export class DelayedPipe {
  private readonly held: Held[] = [];
  private heldBytes = 0;
  private lastReleaseAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private senderPaused = false;

  constructor(
    private readonly to: net.Socket,
    private readonly options: DelayedPipeOptions,
  ) {
    to.on("drain", () => {
      this.draining = false;
      this.updateFlow();
    });
  }

  push(chunk: Buffer | null, arrivedAt = performance.now()): void {
    const { delayMs, loss } = this.options.conditions();
    const retransmissionMs = chunk ? retransmissionDelayMs(loss, 2 * delayMs, this.options.random) : 0;
    if (retransmissionMs === null) return this.options.onGiveUp();
    const at = releaseTime({ arrivedAt, sendableAt: this.options.sendableAt, delayMs, retransmissionMs, previousReleaseAt: this.lastReleaseAt });
    this.lastReleaseAt = at;
    this.held.push({ at, chunk });
    this.heldBytes += chunk?.length ?? 0;
    this.release();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.held.length = 0;
  }

  private release(): void {
    clearTimeout(this.timer);
    const now = performance.now();
    while (this.held[0] && this.held[0].at <= now) {
      const { chunk } = this.held.shift()!;
      this.heldBytes -= chunk?.length ?? 0;
      if (this.to.destroyed) continue;
      if (chunk === null) this.to.end();
      else if (!this.to.write(chunk)) this.draining = true;
    }
    const next = this.held[0];
    if (next) this.timer = setTimeout(() => this.release(), Math.max(1, Math.ceil(next.at - now)));
    this.updateFlow();
  }

  private updateFlow(): void {
    const full = this.draining || this.heldBytes > HIGH_WATER_BYTES;
    if (full === this.senderPaused) return;
    this.senderPaused = full;
    if (full) this.options.pauseSender();
    else this.options.resumeSender();
  }
}
