import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ControlPlaneFaults } from "../control-plane-faults";
import { controllerTokenFile } from "../paths";
import { killControlPlane, listLinks } from "./control-client";
import { startLabController, type LabController } from "./controller";
import { readControllerToken } from "./controller-token";
import type { LabNetwork } from "./lab-network";
import { writeNetworkFile } from "./network-file";

/**
 * The fault controller listens on 127.0.0.1, which any web page in a
 * browser on this machine can post to: it must act only for whoever can
 * read the data folder (the token it writes there at each start), and only
 * on JSON, which no form or simple request can send.
 */
let dataDir: string;
let controller: LabController;
let kills: number;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "lab-controller-"));
  kills = 0;
  const controlPlane = { kill: () => ((kills += 1), { pid: 4242, resumesAt: null }) } as unknown as ControlPlaneFaults;
  const network = { list: () => [] } as unknown as LabNetwork;
  controller = await startLabController({ dataDir, port: 0, avoid: new Set(), network, agents: {} as never, controlPlane, log: () => {} });
  await writeNetworkFile(dataDir, { version: 1, controllerPort: controller.port, proxies: {} });
});

afterEach(async () => {
  await controller.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const url = (route: string) => `http://127.0.0.1:${controller.port}${route}`;

describe("the lab's fault controller", () => {
  it("keeps a token for this start in the data folder, readable by its owner only", async () => {
    const token = await readControllerToken(dataDir);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(statSync(controllerTokenFile(dataDir)).mode & 0o777).toBe(0o600);
  });

  it("refuses what a web page could send: no token, a wrong one, or a form's content type", async () => {
    const token = (await readControllerToken(dataDir))!;
    const attempts: [string, RequestInit, number][] = [
      ["a form post", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" }, 401],
      ["a simple text post", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }, 401],
      ["JSON without the token", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, 401],
      ["a wrong token", { method: "POST", headers: { authorization: `Bearer ${token.slice(1)}x`, "content-type": "application/json" }, body: "{}" }, 401],
      ["the token with a text body", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" }, body: "{}" }, 415],
      ["the token with a form body", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" }, body: "" }, 415],
    ];
    for (const [what, init, status] of attempts) {
      expect((await fetch(url("/control-plane/kill"), init)).status, what).toBe(status);
    }
    expect((await fetch(url("/links"))).status).toBe(401);
    expect(kills).toBe(0);
  }, 30_000);

  it("acts for the lab CLI, which reads the token from the data folder", async () => {
    expect(await listLinks(dataDir)).toEqual([]);
    expect(await killControlPlane(dataDir)).toEqual({ pid: 4242, resumesAt: null });
    expect(kills).toBe(1);
  });

  it("makes a new token at each start, so an old one is worth nothing", async () => {
    const first = (await readControllerToken(dataDir))!;
    await controller.close();
    const network = { list: () => [] } as unknown as LabNetwork;
    controller = await startLabController({ dataDir, port: 0, avoid: new Set(), network, agents: {} as never, controlPlane: {} as never, log: () => {} });
    const second = (await readControllerToken(dataDir))!;
    expect(second).not.toBe(first);
    expect((await fetch(url("/links"), { headers: { authorization: `Bearer ${first}` } })).status).toBe(401);
    expect((await fetch(url("/links"), { headers: { authorization: `Bearer ${second}` } })).status).toBe(200);
  });

  it("is not reached by a client whose token file was replaced", async () => {
    writeFileSync(controllerTokenFile(dataDir), "not-the-token\n");
    await expect(listLinks(dataDir)).rejects.toThrow(/controller token/);
  });
});
