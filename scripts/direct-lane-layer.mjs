/**
 * Loaded with `node --import` before `next start` (scripts/start.ts does),
 * after the peer-address layer: lets the control plane answer a few hot agent
 * requests (a lease renewal and a report batch, each once a second per agent)
 * with their own route handlers before the page framework routes them. Next.js
 * spends about a millisecond of CPU routing a request to an App Router handler
 * whatever the handler does, which is most of what a renewal costs
 * (BENCHMARKS.md, "Primary lease renewals"). The handlers are the ones the
 * route files export: registered on start by instrumentation.ts
 * (server/direct-lane/direct-routes.ts), so until then, and for every other
 * request, Next.js answers as usual.
 *
 * Plain JavaScript: it runs in the server process before anything is compiled.
 */
import http from "node:http";

export const DIRECT_LANE = Symbol.for("switchyard.direct-lane");

/**
 * Connections the kernel may hold for the server before it accepts them.
 * Node's default (511) overflows when a fleet's report streams open at once
 * (a copy starting, or taking over the agents of a copy that died: thousands
 * in a second); the kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

if (!globalThis[DIRECT_LANE]) {
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function listenWithBacklog(...args) {
    // Next.js listens with (port, host); any other call is left as it is.
    const [port, host, ...rest] = args;
    if (typeof port === "number" && (host === undefined || typeof host === "string") && rest.length === 0) return listen.call(this, { port, host, backlog: LISTEN_BACKLOG });
    return listen.apply(this, args);
  };
  const emit = http.Server.prototype.emit;
  const lane = { routes: null };
  http.Server.prototype.emit = function emitThroughDirectLane(event, ...args) {
    if (event === "request" && lane.routes) {
      const [request, response] = args;
      const query = request.url.indexOf("?");
      const handler = lane.routes.get(`${request.method} ${query === -1 ? request.url : request.url.slice(0, query)}`);
      if (handler) {
        handler(request, response);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  };
  globalThis[DIRECT_LANE] = lane;
}
