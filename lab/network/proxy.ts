import net from "node:net";
import { performance } from "node:perf_hooks";
import type { Address } from "../address";
import { BlackHole } from "./black-hole";
import { DelayedPipe } from "./delayed-pipe";
import { listenAt, listenAvoiding } from "./listen";
import { HEALTHY, type LinkConditions } from "./links";
import { CONNECT_GIVES_UP_AT_MS, SYN_ATTEMPTS_AT_MS, handshakeGetsThrough } from "./transmission";

export interface LinkProxyOptions {
  /** Where the link leads; null while it is not known yet, which holds connections as if their SYNs were lost. */
  destination: () => Address | null;
  random?: () => number;
}

interface Established {
  client: net.Socket;
  upstream: net.Socket;
}

/** A reset (RST) where the socket has a connection to reset, else a plain destroy. */
function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

/**
 * A TCP proxy for one link. While the link is cut its port is a BlackHole:
 * nothing accepts there and the kernel drops SYNs, so clients' connects hang
 * and retry as across a real cut path, their own TCP timeouts included.
 * Otherwise a connection accepted from a client goes through the handshake
 * attempts Linux would make (transmission.ts): while its destination is
 * unknown or an attempt is lost (or the link was cut after it was accepted),
 * the client's connection is held without an answer and retried at the next
 * attempt time; after 127 s it is reset. (There the kernel has already
 * completed the client's connect(), so where a real lost SYN makes connect()
 * hang, here the first read does: application timeouts fire the same way,
 * TCP_USER_TIMEOUT does not.) Once an attempt gets through, the proxy
 * connects to the destination and forwards both ways through a DelayedPipe
 * each.
 */
export class LinkProxy {
  /** Read at every handshake attempt and every chunk, so a change applies at once. */
  private current: LinkConditions = HEALTHY;
  private server: net.Server;
  private port = 0;
  private hole: BlackHole | null = null;
  /** Changes of conditions, one at a time: a cut or heal takes a moment and must not interleave with another. */
  private changes: Promise<unknown> = Promise.resolve();
  private readonly random: () => number;
  private readonly established = new Set<Established>();
  private readonly waiting = new Set<net.Socket>();

  constructor(private readonly options: LinkProxyOptions) {
    this.random = options.random ?? Math.random;
    this.server = this.createServer();
  }

  /** See listenAvoiding. */
  async listen(port: number, avoid: ReadonlySet<number> = new Set()): Promise<number> {
    this.port = await listenAvoiding(this.server, port, avoid);
    return this.port;
  }

  get conditions(): LinkConditions {
    return this.current;
  }

  /**
   * Moves to the conditions `next` derives from the current ones, after any
   * change still under way. A cut black-holes the port first and then resets
   * every established connection at both ends, so a client reconnecting at
   * once meets the black hole; a heal accepts on the port again, and each
   * connect() still hanging gets through at its next SYN. Answers the
   * conditions before and after, and how many connections the cut reset.
   */
  change(next: (current: LinkConditions) => LinkConditions): Promise<{ before: LinkConditions; after: LinkConditions; reset: number }> {
    const change = this.changes.then(async () => {
      const before = this.current;
      const after = next(before);
      let reset = 0;
      if (after.state === "cut" && !this.hole) {
        this.hole = await BlackHole.replace(this.server, this.port).catch(async (error: unknown) => {
          // The link stays up rather than leave its port closed.
          await this.listenAgain();
          throw error;
        });
        reset = this.resetConnections();
      }
      this.current = after;
      if (after.state === "up" && this.hole) {
        await this.hole.close();
        this.hole = null;
        await this.listenAgain();
      }
      return { before, after, reset };
    });
    this.changes = change.catch(() => undefined);
    return change;
  }

  get connections(): { established: number; waiting: number } {
    return { established: this.established.size, waiting: this.waiting.size };
  }

  /** Every established connection is reset at both ends; waiting ones keep waiting. */
  private resetConnections(): number {
    const count = this.established.size;
    for (const { client, upstream } of this.established) {
      reset(client);
      reset(upstream);
    }
    this.established.clear();
    return count;
  }

  async close(): Promise<void> {
    await this.changes;
    const closed = this.hole ? this.hole.close() : new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.resetConnections();
    for (const client of this.waiting) client.destroy();
    await closed;
  }

  private async listenAgain(): Promise<void> {
    this.server = this.createServer();
    await listenAt(this.server, this.port);
  }

  private createServer(): net.Server {
    // Half-open allowed: a FIN is forwarded in order after the data before it, not acted on at once.
    return net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
  }

  private accept(client: net.Socket): void {
    const openedAt = performance.now();
    const early: { chunk: Buffer; at: number }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const keep = (chunk: Buffer) => early.push({ chunk, at: performance.now() });
    // A client that gives up before its handshake got through only ever sent SYNs: nothing to forward.
    const abandon = () => {
      clearTimeout(timer);
      this.waiting.delete(client);
      client.destroy();
    };
    client.on("data", keep);
    client.once("end", abandon);
    client.once("close", abandon);
    client.on("error", () => undefined);
    this.waiting.add(client);

    const attempt = (index: number) => {
      const conditions = this.current;
      const destination = this.options.destination();
      if (destination && handshakeGetsThrough(conditions.state === "up", conditions.loss, this.random)) {
        this.waiting.delete(client);
        client.off("data", keep);
        client.off("end", abandon);
        client.off("close", abandon);
        this.forward(client, destination, early, conditions.delayMs);
        return;
      }
      const next = SYN_ATTEMPTS_AT_MS[index + 1];
      const elapsed = performance.now() - openedAt;
      if (next !== undefined) {
        timer = setTimeout(() => attempt(index + 1), next - elapsed);
        return;
      }
      timer = setTimeout(() => {
        reset(client);
        abandon();
      }, CONNECT_GIVES_UP_AT_MS - elapsed);
    };
    attempt(0);
  }

  private forward(client: net.Socket, destination: Address, early: { chunk: Buffer; at: number }[], delayMs: number): void {
    const upstream = net.connect({ host: destination.host, port: destination.port, noDelay: true, allowHalfOpen: true });
    const connection: Established = { client, upstream };
    this.established.add(connection);
    const giveUp = () => {
      this.established.delete(connection);
      reset(client);
      reset(upstream);
    };
    const pipe = (from: net.Socket, to: net.Socket, sendableAt: number) =>
      new DelayedPipe(to, {
        conditions: () => this.current,
        random: this.random,
        sendableAt,
        onGiveUp: giveUp,
        pauseSender: () => from.pause(),
        resumeSender: () => from.resume(),
      });
    // The client's data could not really leave before its connect() returned, a round trip after the handshake got through.
    const toUpstream = pipe(client, upstream, performance.now() + 2 * delayMs);
    const toClient = pipe(upstream, client, 0);
    for (const { chunk, at } of early) toUpstream.push(chunk, at);
    client.on("data", (chunk: Buffer) => toUpstream.push(chunk));
    client.on("end", () => toUpstream.push(null));
    upstream.on("data", (chunk: Buffer) => toClient.push(chunk));
    upstream.on("end", () => toClient.push(null));
    // A reset on either side (or a destination that refuses) resets the other: nothing more can get through.
    client.on("error", giveUp);
    upstream.on("error", giveUp);
    let open = 2;
    const closed = () => {
      open -= 1;
      if (open > 0) return;
      toUpstream.stop();
      toClient.stop();
      this.established.delete(connection);
    };
    client.once("close", closed);
    upstream.once("close", closed);
  }
}
