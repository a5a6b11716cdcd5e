import type net from "node:net";
import { connect } from "node:net";
import { Worker } from "node:worker_threads";
import { LAB_HOST } from "../topology";
import { SYN_ATTEMPTS_AT_MS } from "./transmission";

/**
 * Linux queues at most backlog + 1 connections a listener has not accepted
 * (sk_acceptq_is_full); Node reads a backlog of 0 as "the default", so 1.
 */
const BACKLOG = 1;
const QUEUE_SLOTS = BACKLOG + 1;

const WAITING = 0;
const BIND = 1;
const RELEASE = 2;

/**
 * Started ahead and parked, the worker binds the moment it is told to (so
 * the port is unheld only for that moment) and, in the same tick as its
 * listening callback, blocks until released: its event loop never runs
 * again, so nothing ever accepts on that socket.
 */
const WORKER_SOURCE = `
const net = require("node:net");
const { workerData, parentPort } = require("node:worker_threads");
const signal = new Int32Array(workerData.signal);
parentPort.postMessage({ parked: true });
Atomics.wait(signal, 0, ${WAITING});
const server = net.createServer();
server.once("error", (error) => parentPort.postMessage({ error: error.code ?? error.message }));
server.listen({ host: workerData.host, port: workerData.port, backlog: ${BACKLOG} }, () => {
  parentPort.postMessage({ listening: true });
  Atomics.wait(signal, 0, ${BIND});
  server.close();
});
`;

type WorkerMessage = { parked: true } | { listening: true } | { error: string };

/**
 * A real black hole on a port: a listening socket nobody accepts on, its
 * accept queue filled by connections of our own, so the kernel drops every
 * SYN sent to it. A client's connect() then hangs exactly as across a cut
 * path: its kernel retransmits the SYN on its own schedule and gives up
 * after its tcp_syn_retries, or sooner at its own TCP_USER_TIMEOUT; once the
 * port accepts again, the next retransmission gets through. A proxy that
 * accepted and then held the connection could imitate the schedule but not
 * a client's kernel-level timeouts: its kernel would have completed the
 * handshake and acknowledged every byte.
 */
export class BlackHole {
  private readonly fillers: net.Socket[] = [];

  private constructor(
    private readonly worker: Worker,
    private readonly signal: Int32Array,
  ) {}

  /** Closes `server` and holds its port instead. */
  static async replace(server: net.Server, port: number): Promise<BlackHole> {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { host: LAB_HOST, port, signal: signal.buffer } });
    const messages = workerMessages(worker);
    await messages.next();
    const hole = new BlackHole(worker, signal);
    server.close();
    hole.tell(BIND);
    const answer = await messages.next();
    if (!("listening" in answer)) {
      await worker.terminate();
      throw new Error(`cannot hold ${LAB_HOST}:${port} for a cut link: ${"error" in answer ? answer.error : "the worker did not listen"}`);
    }
    try {
      await hole.fill(port);
    } catch (error) {
      await hole.close();
      throw error;
    }
    return hole;
  }

  /** Frees the port: the listener closes, resetting the connections still queued on it. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    this.tell(RELEASE);
    await exited;
    for (const filler of this.fillers) filler.destroy();
  }

  private tell(value: number): void {
    Atomics.store(this.signal, 0, value);
    Atomics.notify(this.signal, 0);
  }

  /**
   * Takes every slot of the accept queue, so that no client's handshake
   * completes. A filler still unanswered when its SYN would be retransmitted
   * was dropped: a client took the last slot first, and the queue is full.
   */
  private async fill(port: number): Promise<void> {
    for (let slot = 0; slot < QUEUE_SLOTS; slot += 1) {
      const filler = connect({ host: LAB_HOST, port });
      filler.on("error", () => undefined);
      this.fillers.push(filler);
      const queued = await new Promise<boolean>((resolve, reject) => {
        const timer = setTimeout(() => resolve(false), SYN_ATTEMPTS_AT_MS[1]);
        filler.once("connect", () => {
          clearTimeout(timer);
          resolve(true);
        });
        filler.once("close", () => {
          clearTimeout(timer);
          reject(new Error(`could not fill the accept queue of ${LAB_HOST}:${port}`));
        });
      });
      if (!queued) return;
    }
  }
}

/** The worker's messages in order; an error or exit before the next one rejects it. */
function workerMessages(worker: Worker): { next(): Promise<WorkerMessage> } {
  return {
    next: () =>
      new Promise<WorkerMessage>((resolve, reject) => {
        const settle = () => {
          worker.off("message", onMessage);
          worker.off("error", onError);
          worker.off("exit", onExit);
        };
        const onMessage = (message: WorkerMessage) => {
          settle();
          resolve(message);
        };
        const onError = (error: Error) => {
          settle();
          reject(error);
        };
        const onExit = (code: number) => {
          settle();
          reject(new Error(`the black hole's worker exited (${code}) before answering`));
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.on("exit", onExit);
      }),
  };
}
