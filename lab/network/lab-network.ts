import { formatAddress, type Address } from "../address";
import { LAB_HOST, LAB_REPLICAS, findReplica } from "../topology";
import { CONTROL_PLANE, HEALTHY, applyUpdate, describeConditions, findLink, labLinks, linkKey, linksTouching, resolveEndpoint, routeKey, type Link, type LinkConditions, type LinkUpdate } from "./links";
import { plannedPorts, readNetworkFile, writeNetworkFile } from "./network-file";
import { LinkProxy } from "./proxy";

export interface LinkView extends Link, LinkConditions {
  /** Where `from` connects to use the link, one address per destination (comma-separated). */
  listen: string;
  /** Where the link leads, one address per destination (comma-separated), or null while none is known yet. */
  destination: string | null;
  /**
   * Connections through it, and connections the proxy holds because their
   * handshake has not got through (lost, or no destination yet). A cut
   * link's hanging connects are held by the kernel and not counted.
   */
  connections: number;
  waiting: number;
}

/**
 * One destination across a link: a TCP proxy cannot tell which of a region's
 * clusters a connection is for, so a link has a proxy per cluster in its
 * region (one per service) and one for the control plane. They share the
 * link's conditions: cutting a link cuts every service's traffic over it.
 */
interface Route {
  /** A replica name or `control-plane`. */
  to: string;
  /** Its key in network.json. */
  key: string;
  port: number;
  proxy: LinkProxy;
}

interface Entry {
  link: Link;
  routes: Route[];
}

/** The destinations a link leads to: the control plane, or every service's replica in its region. */
function destinationsOf(link: Link): { to: string; key: string }[] {
  const destinations = link.to === CONTROL_PLANE ? [CONTROL_PLANE] : LAB_REPLICAS.filter((replica) => replica.regionId === link.to).map((replica) => replica.name);
  return destinations.map((to) => ({ to, key: routeKey(link, to) }));
}

/** A replica name, a region id (its orders-db replica) or the control plane, as a route's destination. */
function destinationOf(endpoint: string): string {
  return endpoint === CONTROL_PLANE ? CONTROL_PLANE : findReplica(endpoint).name;
}

export interface LabNetworkOptions {
  dataDir: string;
  /** Ports no proxy may take: the clusters' (they may not be running yet) and the control plane's. */
  reserved?: Iterable<number>;
  log?: (line: string) => void;
  random?: () => number;
}

/**
 * The lab's links (links.ts), one LinkProxy each, with their conditions. A
 * link's conditions start healthy on every start: faults do not outlive the
 * process that injected them.
 */
export class LabNetwork {
  private readonly destinations = new Map<string, Address>();

  private constructor(
    private readonly dataDir: string,
    private readonly entries: Entry[],
    /** The controller's port of the previous run, to try first. */
    readonly recordedControllerPort: number,
    /** The proxies' ports and the reserved ones: not for the controller to take. */
    readonly claimedPorts: ReadonlySet<number>,
    private readonly log: (line: string) => void,
  ) {}

  static async start(options: LabNetworkOptions): Promise<LabNetwork> {
    const recorded = await readNetworkFile(options.dataDir);
    const links = labLinks();
    const reserved = new Set(options.reserved ?? []);
    const keys = links.flatMap((link) => destinationsOf(link).map((destination) => destination.key));
    const plan = plannedPorts(keys, recorded?.proxies ?? {}, new Set([...reserved, ...(recorded ? [recorded.controllerPort] : [])]));
    // A port the kernel picks for one proxy must not be one another proxy (or the controller) will ask for by number.
    const claimed = new Set([...reserved, ...plan.values()].filter((port) => port > 0));
    const entries: Entry[] = [];
    const network = new LabNetwork(options.dataDir, entries, recorded?.controllerPort ?? 0, claimed, options.log ?? (() => undefined));
    try {
      for (const link of links) {
        const entry: Entry = { link, routes: [] };
        entries.push(entry);
        for (const { to, key } of destinationsOf(link)) {
          const route: Route = { to, key, port: 0, proxy: new LinkProxy({ destination: () => network.destinations.get(to) ?? null, random: options.random }) };
          entry.routes.push(route);
          const wanted = plan.get(key) ?? 0;
          claimed.delete(wanted);
          route.port = await route.proxy.listen(wanted, new Set([...claimed, network.recordedControllerPort]));
          claimed.add(route.port);
        }
      }
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /** Records the proxies' and the controller's ports in network.json. */
  async save(controllerPort: number): Promise<void> {
    const proxies = this.entries.flatMap((entry) => entry.routes.map((route) => [route.key, route.port] as const));
    await writeNetworkFile(this.dataDir, { version: 1, controllerPort, proxies: Object.fromEntries(proxies) });
  }

  /**
   * Where `from` connects to reach `to` over its link: a replica name, a
   * region id (its orders-db replica) or the control plane.
   */
  addressOf(from: string, to: string): Address {
    const destination = destinationOf(to);
    const route = this.entry(from, to).routes.find((candidate) => candidate.to === destination)!;
    return { host: LAB_HOST, port: route.port };
  }

  /** Where a replica's PostgreSQL (a region id: its orders-db replica's) or the control plane listens; routes to it hold their connections until it is known. */
  setDestination(endpoint: string, address: Address): void {
    this.destinations.set(destinationOf(endpoint), address);
  }

  list(): LinkView[] {
    return this.entries.map((entry) => this.view(entry));
  }

  async update(from: string, to: string, update: LinkUpdate): Promise<LinkView> {
    const [view] = await this.change([this.entry(from, to)], (current) => applyUpdate(current, update));
    return view!;
  }

  /** Cuts every link from and to `endpoint` (a region, or the control plane: every region's link to it). */
  isolate(endpoint: string): Promise<LinkView[]> {
    return this.change(this.touching(endpoint), (current) => applyUpdate(current, { state: "cut" }));
  }

  /** Makes the links from and to `endpoint`, or all of them, healthy again: up, no delay, no loss. */
  heal(endpoint?: string): Promise<LinkView[]> {
    return this.change(endpoint === undefined ? this.entries : this.touching(endpoint), () => HEALTHY);
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.flatMap((entry) => entry.routes.map((route) => route.proxy.close())));
  }

  private entry(from: string, to: string): Entry {
    const link = findLink(this.links(), from, to);
    return this.entries.find((entry) => entry.link === link)!;
  }

  private touching(endpoint: string): Entry[] {
    const links = linksTouching(this.links(), resolveEndpoint(endpoint));
    return this.entries.filter((entry) => links.includes(entry.link));
  }

  private links(): Link[] {
    return this.entries.map((entry) => entry.link);
  }

  private async change(entries: Entry[], next: (current: LinkConditions) => LinkConditions): Promise<LinkView[]> {
    await Promise.all(
      entries.map(async (entry) => {
        const changes = await Promise.all(entry.routes.map((route) => route.proxy.change(next)));
        const { before, after } = changes[0]!;
        const reset = changes.reduce((sum, change) => sum + change.reset, 0);
        if (describeConditions(before) === describeConditions(after)) return;
        const resetNote = reset ? ` (reset ${reset} connection${reset === 1 ? "" : "s"})` : "";
        this.log(`${linkKey(entry.link)}: ${describeConditions(after)}${resetNote}`);
      }),
    );
    return entries.map((entry) => this.view(entry));
  }

  private view(entry: Entry): LinkView {
    const destinations = entry.routes.map((route) => this.destinations.get(route.to)).filter((address): address is Address => address !== undefined);
    const counts = entry.routes.map((route) => route.proxy.connections);
    return {
      ...entry.link,
      ...entry.routes[0]!.proxy.conditions,
      listen: entry.routes.map((route) => formatAddress({ host: LAB_HOST, port: route.port })).join(", "),
      destination: destinations.length ? destinations.map(formatAddress).join(", ") : null,
      connections: counts.reduce((sum, count) => sum + count.established, 0),
      waiting: counts.reduce((sum, count) => sum + count.waiting, 0),
    };
  }
}
