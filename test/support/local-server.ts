import type http from "node:http";
import type { AddressInfo } from "node:net";

/** Listens on a free port of 127.0.0.1 and answers with the server's base URL. */
export async function listenLocally(server: http.Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server and every connection it holds, like a process that went away. */
export async function closeAbruptly(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
