import { z } from "zod";
import { OBSERVATION_IDS, QUESTION_IDS } from "@/core/discovery/findings";
import { MARIADB_OBSERVATION_IDS, MARIADB_QUESTION_IDS } from "@/core/discovery/mariadb-findings";
import { isMariadbUrl, parseMariadbServerUrl } from "@/core/discovery/mariadb-server-url";
import { endpointLabel, parseServerUrl, type ParsedServerUrl } from "@/core/discovery/server-url";
import { replicationModeSchema } from "./services";
import { fleetServiceSchema } from "./topology";

/**
 * Discovery: Switchyard reads a running PostgreSQL cluster or MariaDB
 * topology and proposes it as a fleet document, with questions for what the
 * engine cannot know. The proposal is reviewed, completed and applied like
 * any fleet document; discovery itself changes nothing.
 */

/** The engine a discovery URL names: its scheme decides (mariadb:// or mysql:// for MariaDB). */
export function discoveryEngineOf(url: string): "postgresql" | "mariadb" {
  return isMariadbUrl(url) ? "mariadb" : "postgresql";
}

/** How messages name the engine a proposal came from. */
export const DISCOVERY_ENGINE_NAMES = { postgresql: "PostgreSQL", mariadb: "MariaDB" } as const;

/** A discovery URL read by its engine's rules. */
export function parseDiscoveryUrl(url: string): ParsedServerUrl {
  return discoveryEngineOf(url) === "mariadb" ? parseMariadbServerUrl(url) : parseServerUrl(url);
}

export const DISCOVERY_PRIVILEGES = [
  "Connect as a monitoring role, not a superuser: `CREATE ROLE switchyard_discovery LOGIN PASSWORD '…' IN ROLE pg_monitor;` on the primary (standbys get it by replication), and a pg_hba.conf entry that lets it reach the database in the URL from the control plane.",
  "pg_monitor brings pg_read_all_stats, without which pg_stat_replication and pg_stat_wal_receiver show nothing but process ids (refused: the proposal would be guesswork), and pg_read_all_settings, without which primary_conninfo cannot be read (the primary's name is then asked, a standby's primary_conninfo is not cross-checked).",
  "primary_conninfo may hold the replication password, and pg_read_all_settings can read it: discovery takes only its host, port and application_name and keeps none of it.",
  "PostgreSQL 12 or later. Each server gets 5 s to connect, 5 s per statement and 15 s in all, and sees only SELECTs. The URLs are used for this request only: the proposal, the audit event (`topology.discover`: who, which host:port, the outcome) and the logs hold hosts, ports and databases, never credentials.",
  "Refusals answer 400 naming the field to fix (`primaryUrl`, `standbyUrls.N`): a server that cannot be reached or refuses the role, a primaryUrl that is in recovery (a standby), a standbyUrl that is not (another primary) or belongs to another cluster (system identifier), a server older than 12, a role without pg_monitor, two standbys with one application_name, a standby that streams from no server given.",
  "MariaDB (a `mariadb://` primaryUrl, 10.6 or later): any member is a seed, primary or replica. Discovery follows the seed's source (SHOW ALL REPLICAS STATUS) to the primary and each server's registered replicas (SHOW REPLICA HOSTS: report_host and report_port) with the seed's account, which needs `GRANT SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.* TO 'switchyard_discovery'@'…';` and nothing else. A replica is named by its report_host; one discovery cannot reach at report_host:report_port is proposed with questions for its host and port (or give its URL under standbyUrls). Semi-synchronous replicas of a primary that waits for them are proposed as sync. Refused: a server that is not MariaDB or older than 10.6, an account without those privileges, a source it cannot read, multi-source or circular replication, two servers with one report_host, a standbyUrl outside the seed's topology.",
].join("\n\n");

const serverUrlSchema = z
  .string()
  .max(2048)
  .superRefine((value, context) => {
    const parsed = parseDiscoveryUrl(value);
    if (!parsed.ok) context.addIssue({ code: "custom", message: parsed.problem });
  });

function serverOf(url: string): string | null {
  const parsed = parseDiscoveryUrl(url);
  return parsed.ok ? endpointLabel(parsed.target) : null;
}

export const discoverRequestSchema = z
  .strictObject({
    primaryUrl: serverUrlSchema.meta({
      description:
        "The primary's URL with a monitoring role, e.g. `postgresql://switchyard_discovery:…@db1.example.com:5432/orders` (only `sslmode` may follow: disable, require, verify-ca or verify-full); for MariaDB any member's `mariadb://` URL, primary or replica: discovery walks from it",
    }),
    standbyUrls: z
      .array(serverUrlSchema)
      .max(32)
      .default([])
      .meta({ description: "Standbys' URLs, same form: their endpoints go into the proposal and their WAL receivers are cross-checked; a standby left out is still found, with questions for its host and port" }),
    serviceId: fleetServiceSchema.shape.id.optional().meta({ description: "The id to propose; asked when left out" }),
    name: fleetServiceSchema.shape.name.optional().meta({ description: "The display name to propose; asked when left out" }),
  })
  .superRefine((request, context) => {
    const seen = new Map<string, string>();
    const primary = serverOf(request.primaryUrl);
    if (primary) seen.set(primary, "primaryUrl");
    request.standbyUrls.forEach((url, index) => {
      const server = serverOf(url);
      if (!server) return;
      if (discoveryEngineOf(url) !== discoveryEngineOf(request.primaryUrl)) {
        context.addIssue({ code: "custom", path: ["standbyUrls", index], message: `is a ${discoveryEngineOf(url)} URL, but primaryUrl names a ${discoveryEngineOf(request.primaryUrl)} server: one discovery reads one engine` });
        return;
      }
      const earlier = seen.get(server);
      if (earlier) context.addIssue({ code: "custom", path: ["standbyUrls", index], message: `names ${server}, as ${earlier} does` });
      else seen.set(server, `standbyUrls.${index}`);
    });
  })
  .meta({ id: "DiscoverRequest" });

export const proposedReplicaSchema = z
  .strictObject({
    name: z.string().optional().meta({ description: "PostgreSQL: the application_name it streams as (for the primary, the one in its own primary_conninfo); MariaDB: its report_host" }),
    host: z.string().optional(),
    port: z.int().optional(),
    database: z.string().optional(),
    replication: replicationModeSchema.optional(),
  })
  .meta({ id: "ProposedReplica", description: "A fleet-document replica holding only what PostgreSQL told; the questions name what is missing" });

export const proposedServiceSchema = z
  .strictObject({
    id: z.string().optional(),
    name: z.string().optional(),
    engine: z.enum(["postgresql", "mariadb"]),
    primary: z.string().optional(),
    replicas: z.array(proposedReplicaSchema).min(1),
  })
  .meta({ id: "ProposedService" });

export const discoveryProposalSchema = z
  .strictObject({
    version: z.literal(1),
    services: z.tuple([proposedServiceSchema]),
  })
  .meta({
    id: "DiscoveryProposal",
    description:
      "A fleet document with every value PostgreSQL cannot tell left out, never guessed: it fails the fleet document's validation until the questions are answered (regions and datasets included)",
  });

export const discoveryQuestionSchema = z
  .object({
    id: z.enum([...new Set([...QUESTION_IDS, ...MARIADB_QUESTION_IDS])]),
    path: z.string().meta({ description: "Where the answer goes in the proposal, e.g. `services.0.replicas.1.region`" }),
    question: z.string().meta({ description: "What to answer, and why PostgreSQL cannot tell" }),
  })
  .meta({ id: "DiscoveryQuestion" });

export const discoveryObservationSchema = z
  .object({
    id: z.enum([...new Set([...OBSERVATION_IDS, ...MARIADB_OBSERVATION_IDS])]),
    observation: z.string().meta({ description: "What discovery saw or decided that the fleet document cannot say (cascading standbys, quorum commits, left-out connections…)" }),
  })
  .meta({ id: "DiscoveryObservation" });

export const discoveryResultSchema = z
  .object({
    proposal: discoveryProposalSchema,
    questions: z.array(discoveryQuestionSchema),
    observations: z.array(discoveryObservationSchema),
  })
  .meta({ id: "DiscoveryResult" });

export type DiscoverRequest = z.infer<typeof discoverRequestSchema>;
export type DiscoveryProposal = z.infer<typeof discoveryProposalSchema>;
export type ProposedService = z.infer<typeof proposedServiceSchema>;
export type ProposedReplica = z.infer<typeof proposedReplicaSchema>;
export type DiscoveryQuestion = z.infer<typeof discoveryQuestionSchema>;
export type DiscoveryObservation = z.infer<typeof discoveryObservationSchema>;
export type DiscoveryResult = z.infer<typeof discoveryResultSchema>;
