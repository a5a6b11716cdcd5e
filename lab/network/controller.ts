import http from "node:http";
import path from "node:path";
import type { z } from "zod";
import type { ControlPlaneFaults } from "../control-plane-faults";
import { FaultRefused } from "../fault-refused";
import { controllerTokenFile } from "../paths";
import {
  DATA_DIR_HEADER,
  agentRequestSchema,
  endpointRequestSchema,
  healRequestSchema,
  linkRequestSchema,
  skewRequestSchema,
  stopControlPlaneRequestSchema,
  type AgentView,
} from "./control-api";
import { carriesToken, issueControllerToken, removeControllerToken } from "./controller-token";
import type { LabNetwork } from "./lab-network";
import { listenAvoiding } from "./listen";

/** The agent processes, as the process that runs them offers them (scripts/lab-agents.ts). */
export interface AgentFaults {
  list(): AgentView[];
  start(region: string): AgentView;
  kill(region: string): Promise<AgentView>;
  restartSkewed(region: string, clockOffsetMs: number): Promise<AgentView>;
}

export interface LabControllerOptions {
  dataDir: string;
  /** The port to try first (the previous run's), and ports not to take. */
  port: number;
  avoid: ReadonlySet<number>;
  network: LabNetwork;
  agents: AgentFaults;
  controlPlane: ControlPlaneFaults;
  log: (line: string) => void;
}

export interface LabController {
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

class BadRequest extends Error {}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new BadRequest(result.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; "));
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY_BYTES) throw new BadRequest(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`the body is not JSON: ${(error as Error).message}`);
  }
}

/** A JSON body, so that no form or simple request a web page can send without asking is ever acted on. */
const isJson = (contentType: string | undefined) => /^application\/json\s*(;|$)/i.test(contentType ?? "");

/**
 * The lab's fault controls over HTTP on 127.0.0.1, for the CLI and tests
 * (control-client.ts): links, agents, the control plane. Every request
 * carries this start's token (controller-token.ts; 401 otherwise) and a
 * POST its body as JSON (415 otherwise). Answers are JSON; a request that
 * does not validate is a 400 naming the field, a fault the lab's state does
 * not allow a 409.
 */
export async function startLabController(options: LabControllerOptions): Promise<LabController> {
  const { network, agents, controlPlane } = options;
  const routes: Record<string, (body: unknown) => unknown> = {
    "GET /links": () => ({ links: network.list() }),
    "POST /links": async (body) => {
      const { from, to, ...update } = parse(linkRequestSchema, body);
      return { link: await network.update(from, to, update) };
    },
    "POST /isolate": async (body) => ({ links: await network.isolate(parse(endpointRequestSchema, body).region) }),
    "POST /heal": async (body) => ({ links: await network.heal(parse(healRequestSchema, body).region) }),
    "GET /agents": () => ({ agents: agents.list() }),
    "POST /agents/kill": async (body) => ({ agent: await agents.kill(parse(agentRequestSchema, body).region) }),
    "POST /agents/start": (body) => ({ agent: agents.start(parse(agentRequestSchema, body).region) }),
    "POST /agents/skew": async (body) => {
      const { region, clockOffsetMs } = parse(skewRequestSchema, body);
      return { agent: await agents.restartSkewed(region, clockOffsetMs) };
    },
    "POST /control-plane/stop": (body) => ({ controlPlane: controlPlane.stop(parse(stopControlPlaneRequestSchema, body).seconds) }),
    "POST /control-plane/kill": () => ({ controlPlane: controlPlane.kill() }),
  };
  const dataDir = path.resolve(options.dataDir);
  const token = await issueControllerToken(dataDir);

  const server = http.createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json", [DATA_DIR_HEADER]: dataDir });
      response.end(JSON.stringify(body));
    };
    if (!carriesToken(request.headers.authorization, token)) {
      request.resume();
      return answer(401, { error: `send this lab's controller token as Authorization: Bearer <token>; it is in ${controllerTokenFile(dataDir)}` });
    }
    if (request.method === "POST" && !isJson(request.headers["content-type"])) {
      request.resume();
      return answer(415, { error: "send the body as JSON with Content-Type: application/json" });
    }
    const route = routes[`${request.method} ${new URL(request.url ?? "/", "http://lab").pathname}`];
    if (!route) return answer(404, { error: `no such control: ${request.method} ${request.url}; see lab/README.md` });
    void (async () => {
      try {
        answer(200, await route(await readJson(request)));
      } catch (error) {
        if (error instanceof BadRequest) return answer(400, { error: error.message });
        if (error instanceof FaultRefused) return answer(409, { error: error.message });
        options.log(`controller: ${request.method} ${request.url} failed: ${(error as Error).stack}`);
        answer(500, { error: (error as Error).message });
      }
    })();
  });

  const port = await listenAvoiding(server, options.port, options.avoid);
  options.log(`controller at http://127.0.0.1:${port} (lab/cli.ts links, isolate, heal, kill-agent…)`);
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await removeControllerToken(dataDir);
    },
  };
}
