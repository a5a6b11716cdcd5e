/**
 * Loaded with `node --import` before `next start` (scripts/start.ts does):
 * stamps every request with the address of the socket it came in on, in a
 * header the application reads instead of X-Forwarded-For, which anyone can
 * send. Next.js App Router handlers see only headers, never the socket, and
 * Next.js itself fills X-Forwarded-For with the peer only when the client sent
 * none. A copy of the header sent by the client is overwritten, and the
 * application believes the header only when this layer says it is loaded, so
 * a process started without it records no address rather than a forged one.
 *
 * Plain JavaScript: it runs in the server process before anything is compiled.
 */
import http from "node:http";

export const PEER_ADDRESS_HEADER = "x-switchyard-peer-address";
export const PEER_ADDRESS_LAYER = Symbol.for("switchyard.peer-address-layer");

if (!globalThis[PEER_ADDRESS_LAYER]) {
  const emit = http.Server.prototype.emit;
  // Every way a request reaches a listener goes through emit; patching it on
  // the prototype covers servers however they were created.
  http.Server.prototype.emit = function emitWithPeerAddress(event, ...args) {
    if (event === "request" || event === "checkContinue" || event === "checkExpectation") {
      const request = args[0];
      request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return emit.call(this, event, ...args);
  };
  globalThis[PEER_ADDRESS_LAYER] = true;
}
