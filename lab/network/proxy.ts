import net from "node:net";
import { performance } from "node:perf_hooks";
import type { Address } from "../address";
import { DelayedPipe } from "./delayed-pipe";
import { listenAvoiding } from "./listen";
import type { LinkConditions } from "./links";
import { CONNECT_GIVES_UP_AT_MS, SYN_ATTEMPTS_AT_MS, handshakeGetsThrough } from "./transmission";

export interface LinkProxyOptions {
  /** Read at every handshake attempt and every chunk, so a change applies at once. */
  conditions: () => LinkConditions;
  /** Where the link leads; null while it is not known yet, which holds connections like a cut. */
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
 * A TCP proxy for one link. A connection accepted from a client goes
 * through the handshake attempts Linux would make (transmission.ts): while
 * the link is cut, its destination unknown, or an attempt is lost, the
 * client's connection is held without an answer and retried at the next
 * attempt time; after 127 s it is reset. (The kernel has already completed
 * the client's connect(), so where a real black hole makes connect() hang,
 * here the first read does: clients time out the same way.) Once an
 * attempt gets through, the proxy connects to the destination and forwards
 * both ways through a DelayedPipe each.
 */
export class LinkProxy {
  private readonly server: net.Server;
  private readonly random: () => number;
  private readonly established = new Set<Established>();
  private readonly waiting = new Set<net.Socket>();

  constructor(private readonly options: LinkProxyOptions) {
    this.random = options.random ?? Math.random;
    // Half-open allowed: a FIN is forwarded in order after the data before it, not acted on at once.
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
  }

  /** See listenAvoiding. */
  listen(port: number, avoid: ReadonlySet<number> = new Set()): Promise<number> {
    return listenAvoiding(this.server, port, avoid);
  }

  get connections(): { established: number; waiting: number } {
    return { established: this.established.size, waiting: this.waiting.size };
  }

  /** A cut: every established connection is reset at both ends; waiting ones keep waiting. */
  resetConnections(): number {
    const count = this.established.size;
    for (const { client, upstream } of this.established) {
      reset(client);
      reset(upstream);
    }
    this.established.clear();
    return count;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.resetConnections();
    for (const client of this.waiting) client.destroy();
    await closed;
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
      const conditions = this.options.conditions();
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
        conditions: this.options.conditions,
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
