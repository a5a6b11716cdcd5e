import { CopiesClient } from "@/client/copies";
import { portOf, primaryOf, requireLabState } from "./state";
import { LAB_HOST, labService } from "./topology";

export interface ControlPlane {
  /** The control plane's URL, or several copies' separated by commas (SWITCHYARD_URL). */
  url: string;
  token: string;
}

/** Where the service takes writes right now. */
export interface WriteEndpoint {
  replicaName: string;
  host: string;
  port: number;
  database: string;
}

export function sameEndpoint(a: WriteEndpoint | null, b: WriteEndpoint | null): boolean {
  return !!a && !!b && a.host === b.host && a.port === b.port && a.database === b.database;
}

export function describeEndpoint(endpoint: WriteEndpoint): string {
  return `${endpoint.replicaName} (${endpoint.host}:${endpoint.port}/${endpoint.database})`;
}

/** The replica the lab state records as the service's primary. */
export async function endpointFromLabState(dataDir: string, serviceId: string): Promise<WriteEndpoint> {
  const state = await requireLabState(dataDir);
  const primary = primaryOf(state, serviceId);
  return { replicaName: primary, host: LAB_HOST, port: portOf(state, primary), database: labService(serviceId).database };
}

/** The service's write route as the control plane (whichever of its copies answers) gives it to any client; null when it names none. */
export async function endpointFromControlPlane(copies: CopiesClient, serviceId: string, timeoutMs = 2_000): Promise<WriteEndpoint | null> {
  const route = await copies.onSomeCopy("getWriteRoute", (api) => api.call("getWriteRoute", { params: { id: serviceId }, signal: AbortSignal.timeout(timeoutMs) }));
  if (route.intent !== "write" || !route.endpoint || !route.writeReplica) return null;
  const url = new URL(route.endpoint);
  return { replicaName: route.writeReplica, host: url.hostname, port: Number(url.port), database: decodeURIComponent(url.pathname.slice(1)) };
}

/** Where the workload writes: followed (the write route) or fixed (a load balancer's write port). */
export interface EndpointSource {
  readonly current: WriteEndpoint | null;
  start(): Promise<void>;
  stop(): void;
}

/** One endpoint that never moves: a load balancer's write port, which follows the primary itself. */
export function fixedEndpoint(endpoint: WriteEndpoint): EndpointSource {
  return { current: endpoint, start: async () => undefined, stop: () => undefined };
}

/**
 * Keeps the write endpoint current by polling about every second: the
 * control plane when given (its last answer stands while it is unreachable),
 * otherwise the lab state. `onChange` fires when the endpoint moves.
 */
export class WriteEndpointWatcher implements EndpointSource {
  private endpoint: WriteEndpoint | null = null;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private polling = false;
  private readonly copies: CopiesClient | null;

  constructor(
    private readonly dataDir: string,
    private readonly serviceId: string,
    controlPlane: ControlPlane | undefined,
    private readonly log: (line: string) => void,
    private readonly onChange: (endpoint: WriteEndpoint) => void,
  ) {
    this.copies = controlPlane ? new CopiesClient(controlPlane.url, controlPlane.token) : null;
  }

  get current(): WriteEndpoint | null {
    return this.endpoint;
  }

  /** Resolves once; until the control plane answers, the lab state's primary is the best guess. */
  async start(intervalMs = 1_000): Promise<void> {
    if (this.copies) this.endpoint = await endpointFromLabState(this.dataDir, this.serviceId);
    await this.poll();
    this.timer = setInterval(() => void this.poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    // A slow control plane must not pile up requests.
    if (this.polling) return;
    this.polling = true;
    let next: WriteEndpoint | null;
    try {
      next = this.copies ? await endpointFromControlPlane(this.copies, this.serviceId) : await endpointFromLabState(this.dataDir, this.serviceId);
      if (this.failing) this.log("write endpoint source answers again");
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log(`cannot resolve the write endpoint (${(error as Error).message}); keeping the last known one`);
      this.failing = true;
      return;
    } finally {
      this.polling = false;
    }
    if (!next || sameEndpoint(next, this.endpoint)) return;
    const previous = this.endpoint;
    this.endpoint = next;
    if (previous) {
      this.log(`write endpoint moved from ${describeEndpoint(previous)} to ${describeEndpoint(next)}`);
      this.onChange(next);
    }
  }
}
