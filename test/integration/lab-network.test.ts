import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgentConfig } from "@/agents/enrollment/build-agent-config";
import { parseAgentArgs } from "@/agents/enrollment/cli-args";
import { ControlPlaneFaults } from "@/lab/control-plane-faults";
import type { Lab } from "@/lab/lab";
import { heal, isolate, killAgent, LabNetworkNotRunning, listLinks, setLink, stopControlPlane } from "@/lab/network/control-client";
import { startLabController, type LabController } from "@/lab/network/controller";
import { LabNetwork, type LinkView } from "@/lab/network/lab-network";
import { CONTROL_PLANE, linkKey } from "@/lab/network/links";
import { readNetworkFile } from "@/lab/network/network-file";
import { LAB_REPLICAS, LAB_SERVICE_ID, labService } from "@/lab/topology";
import { labAgentArgs } from "@/scripts/lab-agent-args";
import { LabAgents } from "@/scripts/lab-agents";

/**
 * The lab's link proxies and their controller, in this process, in front of
 * real listeners: a tagged TCP echo server per region and one for the
 * control plane (and, once, the test PostgreSQL). Times are asserted as
 * lower bounds only: this machine is noisy.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-lab-network-"));
const US = "aws:us-east-1";
const EU = "aws:eu-west-1";
const DE = "gcp:europe-west3";

/** What the scripted random answers next (handshakes and chunks on a lossy link); then "not lost". */
const randoms: number[] = [];
const echoes = new Map<string, net.Server>();
let network: LabNetwork;
let controller: LabController;

/** Answers every chunk with `<name>:<chunk>`, so a test sees where a link leads. */
async function echoServer(name: string): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((socket) => {
    socket.on("data", (chunk) => socket.write(`${name}:${chunk}`));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

async function start(): Promise<void> {
  network = await LabNetwork.start({ dataDir: dir, random: () => randoms.shift() ?? 0.99 });
  for (const [name, server] of echoes) network.setDestination(name, { host: "127.0.0.1", port: (server.address() as net.AddressInfo).port });
  controller = await startLabController({
    dataDir: dir,
    port: network.recordedControllerPort,
    avoid: network.claimedPorts,
    network,
    agents: new LabAgents({ log: () => undefined, stopGraceMs: 1_000 }),
    controlPlane: new ControlPlaneFaults(dir),
    log: () => undefined,
  });
  await network.save(controller.port);
}

async function stop(): Promise<void> {
  await controller?.close();
  await network?.close();
}

function portOf(from: string, to: string): number {
  return network.addressOf(from, to).port;
}

class Peer {
  readonly socket: net.Socket;
  private received = "";
  private waiter: (() => void) | null = null;
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
    this.socket.on("error", () => undefined);
    this.socket.on("data", (chunk) => {
      this.received += chunk.toString();
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => this.socket.once("close", () => resolve()));
  }

  /** Sends `text` and resolves with the answer and how long it took, or null when none came within `timeoutMs`. */
  async ask(text: string, timeoutMs = 5_000): Promise<{ answer: string; ms: number } | null> {
    this.received = "";
    const sent = performance.now();
    this.socket.write(text);
    return this.answer(sent, text, timeoutMs);
  }

  /** The answer to what was already sent at `sent`, as `ask`. */
  answer(sent: number, text: string, timeoutMs: number): Promise<{ answer: string; ms: number } | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      const check = () => {
        if (!this.received.endsWith(text)) return;
        clearTimeout(timer);
        this.waiter = null;
        resolve({ answer: this.received, ms: performance.now() - sent });
      };
      this.waiter = check;
      check();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

async function through(from: string, to: string, text = "ping", timeoutMs = 5_000): Promise<string | null> {
  const peer = new Peer(portOf(from, to));
  try {
    return (await peer.ask(text, timeoutMs))?.answer ?? null;
  } finally {
    peer.close();
  }
}

function view(links: LinkView[], from: string, to: string): LinkView {
  return links.find((link) => link.from === from && link.to === to)!;
}

beforeAll(async () => {
  for (const name of [...new Set(LAB_REPLICAS.map((replica) => replica.regionId)), CONTROL_PLANE]) {
    const { server } = await echoServer(name);
    echoes.set(name, server);
  }
  await start();
});

afterAll(async () => {
  await stop();
  await Promise.all([...echoes.values()].map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

describe("the lab's network", () => {
  it("carries each link's traffic to its destination", async () => {
    const links = await listLinks(dir);
    expect(links).toHaveLength(9);
    for (const link of links) {
      expect(link).toMatchObject({ state: "up", delayMs: 0, loss: 0 });
      expect(await through(link.from, link.to)).toBe(`${link.to}:ping`);
    }
  });

  it("cut: black-holes new connections, resets open ones, and leaves the other direction working", async () => {
    const open = new Peer(portOf(US, EU));
    expect((await open.ask("before"))?.answer).toBe(`${EU}:before`);

    const cut = await setLink(dir, { from: US, to: EU, state: "cut" });
    expect(cut).toMatchObject({ from: US, to: EU, state: "cut" });
    await open.closed;

    const held = new Peer(portOf(US, EU));
    const sent = performance.now();
    held.socket.write("held");
    expect(await held.answer(sent, "held", 1_500)).toBeNull();
    // The kernel holds it, as across a real cut: its connect() has not returned (so its own TCP timeouts apply), and no proxy counts it.
    expect(held.socket.connecting).toBe(true);
    expect(view(await listLinks(dir), US, EU)).toMatchObject({ connections: 0, waiting: 0 });
    expect(await through(EU, US, "other way")).toBe(`${US}:other way`);
    expect(await through(US, DE)).toBe(`${DE}:ping`);

    await setLink(dir, { from: US, to: EU, state: "up" });
    expect(await through(US, EU, "fresh")).toBe(`${EU}:fresh`);
    // A SYN retransmitted into a healed path: the held connection gets through at its kernel's next retransmission.
    expect((await held.answer(sent, "held", 5_000))?.answer).toBe(`${EU}:held`);
    held.close();
  });

  it("slow 40 adds 80 ms to every round trip, and more to a new connection's first one", async () => {
    const peer = new Peer(portOf(EU, US));
    expect(await peer.ask("warm")).not.toBeNull();
    await setLink(dir, { from: EU, to: US, delayMs: 40 });
    for (let round = 0; round < 5; round += 1) {
      const answered = await peer.ask(`round ${round}`);
      expect(answered?.answer).toBe(`${US}:round ${round}`);
      expect(answered!.ms).toBeGreaterThanOrEqual(70);
    }
    // A fresh connect() would take a round trip before the first byte could leave: 80 + 80 ms.
    const fresh = new Peer(portOf(EU, US));
    const first = await fresh.ask("first");
    expect(first!.ms).toBeGreaterThanOrEqual(150);
    fresh.close();

    const healed = await setLink(dir, { from: EU, to: US, state: "up", delayMs: 0, loss: 0 });
    expect(healed).toMatchObject({ state: "up", delayMs: 0, loss: 0 });
    expect((await peer.ask("healed"))?.answer).toBe(`${US}:healed`);
    peer.close();
  });

  it("loss: a lost chunk waits for its retransmission (a round trip + 200 ms), a lost handshake for the next SYN (1 s)", async () => {
    await setLink(dir, { from: DE, to: EU, loss: 0.5 });
    // Handshake lost once (0.1), then through (0.9); "lossy" lost once (0.1) and through (0.9); its echo through (0.9).
    randoms.push(0.1, 0.9);
    const peer = new Peer(portOf(DE, EU));
    const handshake = await peer.ask("hello");
    expect(handshake!.ms).toBeGreaterThanOrEqual(950);
    randoms.push(0.1, 0.9, 0.9);
    const lossy = await peer.ask("lossy");
    expect(lossy?.answer).toBe(`${EU}:lossy`);
    expect(lossy!.ms).toBeGreaterThanOrEqual(195);
    peer.close();
    await setLink(dir, { from: DE, to: EU, loss: 0 });
  });

  it("carries PostgreSQL's protocol over a slow link: authentication, a query, a clean goodbye", async () => {
    const store = new URL(process.env.DATABASE_URL!);
    network.setDestination(DE, { host: store.hostname, port: Number(store.port) });
    await setLink(dir, { from: US, to: DE, delayMs: 20 });
    const url = new URL(store);
    url.port = String(portOf(US, DE));
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      const started = performance.now();
      const { rows } = await client.query<{ one: number }>("SELECT 1 AS one");
      expect(rows).toEqual([{ one: 1 }]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    } finally {
      await client.end();
      await heal(dir);
      network.setDestination(DE, { host: "127.0.0.1", port: (echoes.get(DE)!.address() as net.AddressInfo).port });
    }
  });

  it("isolates a region (its link to the control plane included) and heals it", async () => {
    const isolated = await isolate(dir, "pg-eu-west-1");
    expect(isolated.map(linkKey).sort()).toEqual(
      [`${US} -> ${EU}`, `${EU} -> ${US}`, `${EU} -> ${DE}`, `${EU} -> ${CONTROL_PLANE}`, `${DE} -> ${EU}`].sort(),
    );
    expect(isolated.every((link) => link.state === "cut")).toBe(true);
    expect(await through(EU, CONTROL_PLANE, "report", 500)).toBeNull();
    expect(await through(US, DE)).toBe(`${DE}:ping`);
    expect(await through(US, CONTROL_PLANE)).toBe(`${CONTROL_PLANE}:ping`);

    const healed = await heal(dir, EU);
    expect(healed.every((link) => link.state === "up")).toBe(true);
    expect(await through(EU, CONTROL_PLANE, "report")).toBe(`${CONTROL_PLANE}:report`);

    const cutOff = await isolate(dir, CONTROL_PLANE);
    expect(cutOff.map((link) => link.from).sort()).toEqual([US, EU, DE].sort());
    expect((await heal(dir)).every((link) => link.state === "up" && link.delayMs === 0 && link.loss === 0)).toBe(true);
  });

  it("answers a request it cannot carry out with an error that says why", async () => {
    await expect(setLink(dir, { from: "aws:mars-1", to: US, state: "cut" })).rejects.toThrow(/from: unknown region "aws:mars-1"/);
    await expect(setLink(dir, { from: US, to: US, state: "cut" })).rejects.toThrow(/to: there is no link from aws:us-east-1 to aws:us-east-1/);
    await expect(setLink(dir, { from: CONTROL_PLANE, to: US, state: "cut" })).rejects.toThrow(/no link from the control plane/);
    await expect(setLink(dir, { from: US, to: EU, delayMs: -1 })).rejects.toThrow(/delayMs: /);
    await expect(setLink(dir, { from: US, to: EU })).rejects.toThrow(/give at least one of state, delayMs and loss/);
    await expect(killAgent(dir, EU)).rejects.toThrow(/the agent of pg-eu-west-1 has not been started yet/);
    await expect(stopControlPlane(dir, 5)).rejects.toThrow(/no control plane is running/);
  });

  it("gives agents their own replica directly and everything in other regions over their links", () => {
    const replicas = labService(LAB_SERVICE_ID).replicas.map((replica, index) => ({
      name: replica.name,
      regionId: replica.regionId,
      serviceId: replica.serviceId,
      host: "127.0.0.1" as const,
      port: 14_431 + index,
      databaseName: "orders",
      role: "standby" as const,
      pid: null,
    }));
    const lab: Lab = {
      password: "pw",
      replicas,
      services: [{ id: LAB_SERVICE_ID, databaseName: "orders", primary: "pg-us-east-1", replicas }],
      connectionString: (name) => `postgresql://postgres:pw@127.0.0.1:${replicas.find((replica) => replica.name === name)!.port}/orders`,
      stop: async () => undefined,
    };
    const publicKeyPem = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    // What the lab tells the agent on its host, joined to what the control plane tells it (the store's replicas, as syncLabEndpoints keeps them).
    const enroll = parseAgentArgs(["enroll", "--token", "sye_t", ...labAgentArgs({ dataDir: dir, lab, network, replica: replicas[1]!, binDir: "/bin", metricsPort: 0, healthPort: 0, restartInPlace: false })], {});
    if (enroll.kind !== "enroll") throw new Error(`parsed as ${enroll.kind}`);
    const [own, ...peers] = [replicas[1]!, replicas[0]!, replicas[2]!];
    const parsed = buildAgentConfig(
      { controlPlaneUrl: enroll.controlPlaneUrl, agentId: "a", agentName: "agent-eu", replicaId: "r", token: "t", commandKey: { publicKey: publicKeyPem, fingerprint: "f" }, enrolledAt: new Date().toISOString(), host: enroll.host },
      {
        revision: "r",
        agentName: "agent-eu",
        replica: { name: own.name, regionId: own.regionId, engine: "postgresql", host: own.host, port: own.port, database: own.databaseName },
        peers: peers.map((peer) => ({ replica: peer.name, regionId: peer.regionId, host: peer.host, port: peer.port, database: peer.databaseName })),
        intervalMs: 1000,
        probeTimeoutMs: 2000,
      },
      dir,
    );
    expect(parsed.controlPlaneUrl).toBe(`http://127.0.0.1:${portOf(EU, CONTROL_PLANE)}`);
    expect(parsed.replica).toMatchObject({ connectionString: "postgresql://postgres:pw@127.0.0.1:14432/orders" });
    expect(parsed.peers.map((peer) => [peer.regionId, new URL(peer.connectionString).port])).toEqual([
      [US, String(portOf(EU, US))],
      [DE, String(portOf(EU, DE))],
    ]);
    expect(parsed.replication?.via).toEqual({ "127.0.0.1:14431": `127.0.0.1:${portOf(EU, US)}`, "127.0.0.1:14433": `127.0.0.1:${portOf(EU, DE)}` });
  });

  it("says when no controller runs, and keeps its ports across a restart", async () => {
    const before = await readNetworkFile(dir);
    await stop();
    await expect(listLinks(dir)).rejects.toThrow(LabNetworkNotRunning);
    await expect(listLinks(dir)).rejects.toThrow(/the lab's network runs with npm start; none is running in /);
    await start();
    expect(await readNetworkFile(dir)).toEqual(before);
    expect(await through(EU, US)).toBe(`${US}:ping`);
  });
});
