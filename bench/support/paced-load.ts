import http from "node:http";

export interface PacedRequest {
  method: "GET" | "POST";
  path: string;
  token?: string;
  body?: unknown;
}

export interface PacedOutcome {
  /** Requests answered, by the class `classify` gave them. */
  answered: Record<string, number>;
  /** Ticks that found the client's previous request still unanswered (sent no new one, as an agent does). */
  skipped: number;
  /** Requests that failed without an answer. */
  errors: number;
  latenciesMs: number[];
  seconds: number;
}

/**
 * Each client sends its request once per `intervalMs`, the clients spread
 * evenly over the interval, for `seconds`; like an agent, a client whose
 * previous request is still unanswered skips its tick. Keep-alive
 * connections, one per client at most. `classify` names what an answer was.
 */
export async function pacedLoad(
  baseUrl: string,
  clients: readonly PacedRequest[],
  options: { seconds: number; intervalMs?: number; classify: (status: number, body: string) => string },
): Promise<PacedOutcome> {
  const { seconds, intervalMs = 1000, classify } = options;
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients.length });
  const encoded = clients.map((client) => (client.body === undefined ? undefined : JSON.stringify(client.body)));
  const inFlight = new Array<boolean>(clients.length).fill(false);
  const outcome: PacedOutcome = { answered: {}, skipped: 0, errors: 0, latenciesMs: [], seconds };
  const pending = new Set<Promise<void>>();

  const send = (i: number) => {
    const client = clients[i]!;
    const body = encoded[i];
    const headers: Record<string, string> = {};
    if (client.token) headers.authorization = `Bearer ${client.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    inFlight[i] = true;
    const started = performance.now();
    const done = new Promise<void>((resolve) => {
      const request = http.request({ host: url.hostname, port: url.port, method: client.method, path: client.path, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          outcome.latenciesMs.push(performance.now() - started);
          const kind = classify(response.statusCode ?? 0, Buffer.concat(chunks).toString());
          outcome.answered[kind] = (outcome.answered[kind] ?? 0) + 1;
          resolve();
        });
      });
      request.on("error", () => {
        outcome.errors++;
        resolve();
      });
      request.end(body);
    }).finally(() => {
      inFlight[i] = false;
      pending.delete(done);
    });
    pending.add(done);
  };

  const ticks = Math.round((seconds * 1000 * clients.length) / intervalMs);
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (next < ticks && start + (next * intervalMs) / clients.length <= now) {
        const i = next % clients.length;
        if (inFlight[i]) outcome.skipped++;
        else send(i);
        next++;
      }
      if (next >= ticks) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await Promise.all(pending);
  agent.destroy();
  return outcome;
}
