import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** An alert webhook on a real HTTP server, made the process's `SWITCHYARD_ALERT_WEBHOOKS`. */
export interface TestWebhook {
  /** Every payload it accepted, in order. */
  received: { status: string; text: string; groupKey?: string; alerts: { id: string; rule: string; status: string; subject: string }[] }[];
  /** Answer the next `count` posts with 503. */
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startAlertWebhook(): Promise<TestWebhook> {
  const received: TestWebhook["received"] = [];
  let failuresLeft = 0;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(503).end();
        return;
      }
      received.push(JSON.parse(body));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.SWITCHYARD_ALERT_WEBHOOKS = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    received,
    failNext: (count) => {
      failuresLeft = count;
    },
    close: async () => {
      delete process.env.SWITCHYARD_ALERT_WEBHOOKS;
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
