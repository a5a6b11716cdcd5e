import path from "node:path";
import { labDir } from "../paths";
import { DATA_DIR_HEADER, type AgentView, type ControlPlaneView, type LinkRequest } from "./control-api";
import { readControllerToken } from "./controller-token";
import type { LinkView } from "./lab-network";
import { readNetworkFile } from "./network-file";

/**
 * The lab's fault controls from another process: the CLI, tests. Each
 * function asks the controller of the `npm start` that runs the lab in
 * `dataDir` (controller.ts) and throws its error message when it refuses.
 */

export class LabNetworkNotRunning extends Error {
  override name = "LabNetworkNotRunning";
  constructor(dataDir: string, detail: string) {
    super(`the lab's network runs with npm start; none is running in ${path.resolve(dataDir)} (${detail})`);
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

async function call<T>(dataDir: string, method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
  const recorded = await readNetworkFile(dataDir);
  if (!recorded) throw new LabNetworkNotRunning(dataDir, `${labDir(dataDir)} has no network.json`);
  const token = await readControllerToken(dataDir);
  if (!token) throw new LabNetworkNotRunning(dataDir, `${labDir(dataDir)} has no controller.token`);
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${recorded.controllerPort}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(method === "POST" ? { "content-type": "application/json" } : {}) },
      body: method === "POST" ? JSON.stringify(body ?? {}) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new LabNetworkNotRunning(dataDir, `nothing answers on its controller port ${recorded.controllerPort}: ${cause}`);
  }
  const servedDir = response.headers.get(DATA_DIR_HEADER);
  if (servedDir !== path.resolve(dataDir)) {
    throw new LabNetworkNotRunning(dataDir, `port ${recorded.controllerPort} is ${servedDir ? `the controller of ${servedDir}` : "something else"}`);
  }
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(answer.error ?? `the controller answered ${response.status}`);
  return answer;
}

export async function listLinks(dataDir: string): Promise<LinkView[]> {
  return (await call<{ links: LinkView[] }>(dataDir, "GET", "/links")).links;
}

/** Omitted conditions keep their value: `{ from, to, delayMs: 40 }` slows a link without healing a cut. */
export async function setLink(dataDir: string, request: LinkRequest): Promise<LinkView> {
  return (await call<{ link: LinkView }>(dataDir, "POST", "/links", request)).link;
}

/** Cuts every link from and to a region (or every region's link to the control plane). */
export async function isolate(dataDir: string, region: string): Promise<LinkView[]> {
  return (await call<{ links: LinkView[] }>(dataDir, "POST", "/isolate", { region })).links;
}

/** Makes the links from and to a region, or all links, healthy: up, no delay, no loss. */
export async function heal(dataDir: string, region?: string): Promise<LinkView[]> {
  return (await call<{ links: LinkView[] }>(dataDir, "POST", "/heal", region === undefined ? {} : { region })).links;
}

export async function listAgents(dataDir: string): Promise<AgentView[]> {
  return (await call<{ agents: AgentView[] }>(dataDir, "GET", "/agents")).agents;
}

/** SIGKILL; resolves once the process is gone. */
export async function killAgent(dataDir: string, region: string): Promise<AgentView> {
  return (await call<{ agent: AgentView }>(dataDir, "POST", "/agents/kill", { region })).agent;
}

/** Starts a region's agent that is not running, with a true clock. */
export async function startAgent(dataDir: string, region: string): Promise<AgentView> {
  return (await call<{ agent: AgentView }>(dataDir, "POST", "/agents/start", { region })).agent;
}

/** Restarts a region's agent (SIGTERM first if it runs) stamping its reports `clockOffsetMs` off; 0 puts its clock right. */
export async function skewAgent(dataDir: string, region: string, clockOffsetMs: number): Promise<AgentView> {
  return (await call<{ agent: AgentView }>(dataDir, "POST", "/agents/skew", { region, clockOffsetMs })).agent;
}

/** SIGSTOP now and SIGCONT `seconds` later (the controller continues it); answers at once. */
export async function stopControlPlane(dataDir: string, seconds: number): Promise<ControlPlaneView> {
  return (await call<{ controlPlane: ControlPlaneView }>(dataDir, "POST", "/control-plane/stop", { seconds })).controlPlane;
}

/** SIGKILL; npm start starts a new one a second later. */
export async function killControlPlane(dataDir: string): Promise<ControlPlaneView> {
  return (await call<{ controlPlane: ControlPlaneView }>(dataDir, "POST", "/control-plane/kill")).controlPlane;
}
