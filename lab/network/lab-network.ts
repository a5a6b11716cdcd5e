import { formatAddress, type Address } from "../address";
import { LAB_HOST } from "../topology";
import { HEALTHY, applyUpdate, describeConditions, findLink, labLinks, linkKey, linksTouching, resolveEndpoint, type Endpoint, type Link, type LinkConditions, type LinkUpdate } from "./links";
import { plannedPorts, readNetworkFile, writeNetworkFile } from "./network-file";
import { LinkProxy } from "./proxy";

export interface LinkView extends Link, LinkConditions {
  /** Where `from` connects to use the link. */
  listen: string;
  /** Where the link leads, or null while that is not known yet. */
  destination: string | null;
  /**
   * Connections through it, and connections the proxy holds because their
   * handshake has not got through (lost, or no destination yet). A cut
   * link's hanging connects are held by the kernel and not counted.
   */
  connections: number;
  waiting: number;
}

interface Entry {
  link: Link;
  port: number;
  proxy: LinkProxy;
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
  private readonly destinations = new Map<Endpoint, Address>();

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
    const plan = plannedPorts(links.map(linkKey), recorded?.proxies ?? {}, new Set([...reserved, ...(recorded ? [recorded.controllerPort] : [])]));
    // A port the kernel picks for one proxy must not be one another proxy (or the controller) will ask for by number.
    const claimed = new Set([...reserved, ...plan.values()].filter((port) => port > 0));
    const entries: Entry[] = [];
    const network = new LabNetwork(options.dataDir, entries, recorded?.controllerPort ?? 0, claimed, options.log ?? (() => undefined));
    try {
      for (const link of links) {
        const entry: Entry = {
          link,
          port: 0,
          proxy: new LinkProxy({ destination: () => network.destinations.get(link.to) ?? null, random: options.random }),
        };
        entries.push(entry);
        const wanted = plan.get(linkKey(link)) ?? 0;
        claimed.delete(wanted);
        entry.port = await entry.proxy.listen(wanted, new Set([...claimed, network.recordedControllerPort]));
        claimed.add(entry.port);
      }
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /** Records the proxies' and the controller's ports in network.json. */
  async save(controllerPort: number): Promise<void> {
    await writeNetworkFile(this.dataDir, { version: 1, controllerPort, proxies: Object.fromEntries(this.entries.map((entry) => [linkKey(entry.link), entry.port])) });
  }

  /** Where `from` connects to reach `to` (a region id, replica name or the control plane) over its link. */
  addressOf(from: string, to: string): Address {
    return { host: LAB_HOST, port: this.entry(from, to).port };
  }

  /** Where a region's PostgreSQL (or the control plane) listens; links to it hold their connections until it is known. */
  setDestination(endpoint: string, address: Address): void {
    this.destinations.set(resolveEndpoint(endpoint), address);
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
    await Promise.all(this.entries.map((entry) => entry.proxy.close()));
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
        const { before, after, reset } = await entry.proxy.change(next);
        if (describeConditions(before) === describeConditions(after)) return;
        const resetNote = reset ? ` (reset ${reset} connection${reset === 1 ? "" : "s"})` : "";
        this.log(`${linkKey(entry.link)}: ${describeConditions(after)}${resetNote}`);
      }),
    );
    return entries.map((entry) => this.view(entry));
  }

  private view(entry: Entry): LinkView {
    const destination = this.destinations.get(entry.link.to);
    const { established, waiting } = entry.proxy.connections;
    return {
      ...entry.link,
      ...entry.proxy.conditions,
      listen: formatAddress({ host: LAB_HOST, port: entry.port }),
      destination: destination ? formatAddress(destination) : null,
      connections: established,
      waiting,
    };
  }
}
