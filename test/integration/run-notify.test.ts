import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/runbooks/[id]/runs/route";
import { runSchema } from "@/contracts/runs";
import { db } from "@/server/db/client";
import { executorTick } from "@/server/executor/run-executor";
import { runView } from "@/server/runs/run-view";
import { seedDemoTopology } from "../support/demo-topology";
import { call, createTestUser, tokenFor } from "../support/api";

/** A notify step posts before its move's transaction: a webhook that fails is decided on as the step's failure. */

let folder: string;
let operator: string;
let webhook: Server;
let answer = 200;
const received: unknown[] = [];

beforeAll(async () => {
  await seedDemoTopology(db());
  operator = await tokenFor((await createTestUser("operator@example.com", ["operator"])).id);
  webhook = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push(JSON.parse(body));
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  folder = mkdtempSync(path.join(os.tmpdir(), "runbooks-notify-"));
  writeFileSync(
    path.join(folder, "notify-only.yaml"),
    `id: notify-only
title: Notify only
description: One notification.
parameters:
  service: { type: service, description: s }
  reason: { type: text, description: why }
steps:
  - { id: tell, kind: notify, title: Tell the channel, message: switching over }
`,
  );
  process.env.SWITCHYARD_RUNBOOKS_DIR = folder;
  process.env.SWITCHYARD_NOTIFY_URL = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  delete process.env.SWITCHYARD_RUNBOOKS_DIR;
  delete process.env.SWITCHYARD_NOTIFY_URL;
  rmSync(folder, { recursive: true, force: true });
  await new Promise((resolve) => webhook.close(resolve));
});

beforeEach(async () => {
  await db().run.updateMany({ where: { activeForServiceId: { not: null } }, data: { activeForServiceId: null, status: "aborted" } });
  received.length = 0;
});

async function runToTheEnd() {
  const started = await call(startRoute, { method: "POST", token: operator, params: { id: "notify-only" }, body: { params: { service: "orders-db", reason: "notify test" } } });
  expect(started.status).toBe(201);
  const runId = runSchema.parse(started.json).id;
  await executorTick("notify-test", (line) => {
    throw new Error(line);
  });
  return runView(runId);
}

describe("a notify step", () => {
  it("succeeds with the webhook's answer as its output", async () => {
    answer = 204;
    const run = await runToTheEnd();
    expect(run.status).toBe("succeeded");
    expect(run.steps[0]).toMatchObject({ state: "succeeded", output: { status: 204 } });
    expect(received).toEqual([{ text: "[orders-db] switching over", run: run.id, step: "tell" }]);
  });

  it("fails with what the webhook answered, posting once", async () => {
    answer = 500;
    const run = await runToTheEnd();
    expect(run).toMatchObject({ status: "failed", error: "Tell the channel: webhook answered 500" });
    expect(run.steps[0]).toMatchObject({ state: "failed", error: "webhook answered 500" });
    expect(received).toHaveLength(1);
  });
});
