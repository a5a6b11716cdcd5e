import type { DiscoveryObservation, DiscoveryQuestion } from "@/contracts/discovery";
import type { RequestField } from "./readings";

/**
 * Everything MariaDB discovery says, as three declared tables keyed by
 * stable ids (the PostgreSQL ones are in findings.ts; an id both engines
 * ask, like `replica-region`, means the same answer at the same path):
 * why it refuses a request, what it asks because MariaDB cannot know it,
 * and what it saw and decided that the fleet document cannot express.
 */

const REPORT_HOST = "report_host (set in the server's configuration; it takes a restart)";

interface RefusalFacts {
  "not-mariadb": { server: string; version: string };
  "server-too-old": { server: string; version: string };
  "privileges-missing": { server: string; account: string; statement: string; grant: string };
  "multi-source": { server: string; connections: string };
  "source-unread": { server: string; source: string; error: string };
  circular: { servers: string };
  "not-in-topology": { server: string; seed: string; primary: string };
  "duplicate-report-host": { name: string; servers: string };
}

export const MARIADB_REFUSALS: { [K in keyof RefusalFacts]: (facts: RefusalFacts[K]) => string } = {
  "not-mariadb": ({ server, version }) => `${server} is not a MariaDB server (it says version ${version}); a mariadb:// URL must name a MariaDB server`,
  "server-too-old": ({ server, version }) =>
    `${server} runs MariaDB ${version}; discovery needs MariaDB 10.6 or later, where SHOW REPLICA HOSTS and SHOW ALL REPLICAS STATUS have the privileges the agent uses`,
  "privileges-missing": ({ server, account, statement, grant }) =>
    `${account} may not run ${statement} on ${server}, so discovery cannot see its replication: ${grant} (on the primary; replicas get it by replication)`,
  "multi-source": ({ server, connections }) =>
    `${server} replicates from more than one source (connections ${connections}): Switchyard manages a replica with one source; discover a topology whose replicas each have one`,
  "source-unread": ({ server, source, error }) =>
    `${server} replicates from ${source}, which discovery could not read with the same account (${error}): give the primary's URL as primaryUrl, or a URL for ${source} under standbyUrls`,
  circular: ({ servers }) =>
    `${servers} replicate from one another in a ring, so no server is the primary: Switchyard manages one primary with its replicas`,
  "not-in-topology": ({ server, seed, primary }) =>
    `${server} does not replicate from the primary ${primary} that ${seed} leads to, directly or through a replica: leave it out, or check which server is the primary`,
  "duplicate-report-host": ({ name, servers }) =>
    `${servers} all report "${name}" as report_host: Switchyard tells MariaDB replicas apart by report_host, so give each server its own ${REPORT_HOST}`,
};

interface QuestionFacts {
  "service-id": Record<string, never>;
  "service-name": Record<string, never>;
  "primary-name": { server: string };
  "primary-field": Record<string, never>;
  "primary-replication": { index: number; name: string };
  "replica-name": { index: number; server: string };
  "replica-name-invalid": { index: number; name: string; problem: string };
  "standby-host": { index: number; name: string; tried: string; error: string };
  "standby-port": { index: number; name: string; reported: number };
  "replica-replication": { index: number; name: string; clients: number; replicas: number };
  database: { index: number; name: string };
  "replica-region": { index: number; name: string };
  regions: Record<string, never>;
  datasets: Record<string, never>;
  "no-standbys": { server: string };
}

interface QuestionRow<F> {
  path: (facts: F) => string;
  sentence: (facts: F) => string;
}

const replicaPath = (field: string) => ({ index }: { index: number }) => `services.0.replicas.${index}.${field}`;

export const MARIADB_QUESTIONS: { [K in keyof QuestionFacts]: QuestionRow<QuestionFacts[K]> } = {
  "service-id": {
    path: () => "services.0.id",
    sentence: () => "Which id Switchyard should know this service by (lower-case letters, digits and dashes): MariaDB has no name for the service it serves",
  },
  "service-name": { path: () => "services.0.name", sentence: () => "The service's display name: MariaDB does not know it" },
  "primary-name": {
    path: () => "services.0.replicas.0.name",
    sentence: ({ server }) => `What to call the primary at ${server}: its report_host is empty, and that is the name it registers under when it is a replica`,
  },
  "primary-field": { path: () => "services.0.primary", sentence: () => "The primary's replica name, the same as services.0.replicas.0.name" },
  "primary-replication": {
    path: replicaPath("replication"),
    sentence: ({ name }) =>
      `Whether ${name} should be a semi-synchronous replica (sync) or not (async) while another replica is primary: a primary's own rpl_semi_sync_slave_enabled says nothing about its commits`,
  },
  "replica-name": {
    path: replicaPath("name"),
    sentence: ({ server }) => `What to call the replica at ${server}: its report_host is empty, so its primary does not list it under a name; set ${REPORT_HOST} to its name`,
  },
  "replica-name-invalid": {
    path: replicaPath("name"),
    sentence: ({ name, problem }) =>
      `"${name}" is not a valid replica name (${problem}); Switchyard matches MariaDB replicas by report_host, so set ${REPORT_HOST} to a valid name and discover again`,
  },
  "standby-host": {
    path: replicaPath("host"),
    sentence: ({ name, tried, error }) =>
      `Where ${name} listens for connections: its primary lists it at ${tried} (report_host:report_port), which discovery could not read (${error}); give its URL under standbyUrls, or fill in its host`,
  },
  "standby-port": {
    path: replicaPath("port"),
    sentence: ({ name, reported }) => `Which port ${name} listens on: it reports ${reported} as report_port, which is its port unless report_port was set to another`,
  },
  "replica-replication": {
    path: replicaPath("replication"),
    sentence: ({ name, clients, replicas }) =>
      `Whether ${name} is semi-synchronous (sync) or not (async): discovery could not read it, and the primary counts ${clients} semi-synchronous clients among ${replicas} replicas without naming them`,
  },
  database: {
    path: replicaPath("database"),
    sentence: ({ name }) => `Which database ${name} serves the service's clients from: the URL names none`,
  },
  "replica-region": {
    path: replicaPath("region"),
    sentence: ({ name }) => `Which region ${name} runs in (cloud:code, e.g. aws:eu-west-1): MariaDB does not know where its servers are`,
  },
  regions: {
    path: () => "regions",
    sentence: () =>
      "The regions the replicas run in that Switchyard does not know yet, each with its jurisdiction (EU, US…) and display name: MariaDB knows neither where its servers are nor which law their data falls under",
  },
  datasets: {
    path: () => "services.0.datasets",
    sentence: () =>
      "The service's datasets: each one's owner team, consistency (strong or eventual) and recovery budgets (RPO, RTO). MariaDB knows databases and tables, not who owns the data or what losing some of it costs",
  },
  "no-standbys": {
    path: () => "services.0.replicas",
    sentence: ({ server }) =>
      `No replica is connected to ${server}. One server is a valid service, but Switchyard can fail over only to a replica: add any replicas that are down`,
  },
};

interface ObservationFacts {
  "semi-sync": { names: string };
  "semi-sync-fallen-back": { server: string };
  "semi-sync-off": { names: string; server: string };
  "semi-sync-not-acknowledging": { name: string };
  "semi-sync-unavailable": { server: string };
  cascading: { name: string; upstream: string };
  "replica-threads": { name: string; io: string; sql: string; errors: string };
  "file-positions": { name: string };
  "replica-writable": { name: string };
  "primary-read-only": { name: string };
  "not-registered": { name: string; upstream: string };
  "registered-elsewhere": { name: string; lister: string; source: string };
  "source-address": { name: string; address: string; upstream: string };
  "gtid-positions": { positions: string };
  "settings-for-failover": { name: string; settings: string };
  unreached: { name: string; address: string; error: string };
}

export const MARIADB_OBSERVATIONS: { [K in keyof ObservationFacts]: (facts: ObservationFacts[K]) => string } = {
  "semi-sync": ({ names }) =>
    `The primary's commits wait for the first acknowledgement of any semi-synchronous replica (a quorum of one): ${names} proposed as sync, since any commit may wait on each`,
  "semi-sync-fallen-back": ({ server }) =>
    `Semi-synchronous replication is enabled on ${server} but off now (Rpl_semi_sync_master_status OFF: it fell back to asynchronous after rpl_semi_sync_master_timeout): commits wait for no replica until one acknowledges again`,
  "semi-sync-off": ({ names, server }) =>
    `${names} would acknowledge commits (rpl_semi_sync_slave_enabled ON), but ${server} does not wait for them (rpl_semi_sync_master_enabled OFF): proposed as async`,
  "semi-sync-not-acknowledging": ({ name }) => `${name} has rpl_semi_sync_slave_enabled ON but does not acknowledge now (Rpl_semi_sync_slave_status OFF): restart its replica threads`,
  "semi-sync-unavailable": ({ server }) => `${server} has no semi-synchronous replication variables: strong datasets need a build with semi-synchronous replication`,
  cascading: ({ name, upstream }) =>
    `${name} replicates from the replica ${upstream}, not from the primary (chained replication): proposed as async, since only the primary's own replicas acknowledge its commits`,
  "replica-threads": ({ name, io, sql, errors }) => `${name}'s replica threads are not both running (IO ${io}, SQL ${sql})${errors ? `: ${errors}` : ""}`,
  "file-positions": ({ name }) =>
    `${name} replicates by binlog file and position, not by GTID (Using_Gtid No): Switchyard re-points replicas with MASTER_USE_GTID=slave_pos, so run CHANGE MASTER TO MASTER_USE_GTID=slave_pos on it`,
  "replica-writable": ({ name }) => `${name} is a replica with read_only OFF: a write made on it directly is an errant transaction that blocks its promotion; set read_only=ON`,
  "primary-read-only": ({ name }) => `The primary ${name} has read_only ON: it takes no writes from clients now (fenced, or in maintenance?)`,
  "not-registered": ({ name, upstream }) =>
    `${name} replicates from ${upstream}, but ${upstream} does not list it in SHOW REPLICA HOSTS (its IO thread is not connected, or it has no report_host)`,
  "registered-elsewhere": ({ name, lister, source }) =>
    `${lister} lists ${name} among its replicas, but ${name}'s own status names ${source} as its source (re-pointed a moment ago?): placed under ${source}`,
  "source-address": ({ name, address, upstream }) =>
    `${name} reaches its source at ${address}, while discovery read that server at ${upstream} (a proxy, or another name for the same server?)`,
  "gtid-positions": ({ positions }) => `GTID positions: ${positions}`,
  "settings-for-failover": ({ name, settings }) =>
    `${name} runs with ${settings}: Switchyard's zero-loss promotion compares GTID positions and needs gtid_strict_mode=ON, log_bin and log_slave_updates=ON and binlog_format=ROW (the agent's doctor names each)`,
  unreached: ({ name, address, error }) => `${name} was not read at ${address} (${error}): what the proposal says of it comes from its primary`,
};

export type MariadbRefusalId = keyof RefusalFacts;
export type MariadbQuestionId = keyof QuestionFacts;
export type MariadbObservationId = keyof ObservationFacts;

export const MARIADB_REFUSAL_IDS = Object.keys(MARIADB_REFUSALS) as MariadbRefusalId[];
export const MARIADB_QUESTION_IDS = Object.keys(MARIADB_QUESTIONS) as MariadbQuestionId[];
export const MARIADB_OBSERVATION_IDS = Object.keys(MARIADB_OBSERVATIONS) as MariadbObservationId[];

export interface MariadbRefusal {
  id: MariadbRefusalId;
  field: RequestField;
  reason: string;
}

export function mariadbRefusal<K extends MariadbRefusalId>(id: K, field: RequestField, facts: RefusalFacts[K]): MariadbRefusal {
  const sentence = MARIADB_REFUSALS[id] as (facts: RefusalFacts[K]) => string;
  return { id, field, reason: sentence(facts) };
}

export function mariadbQuestion<K extends MariadbQuestionId>(id: K, facts: QuestionFacts[K]): DiscoveryQuestion {
  const row = MARIADB_QUESTIONS[id] as QuestionRow<QuestionFacts[K]>;
  return { id, path: row.path(facts), question: row.sentence(facts) } as DiscoveryQuestion;
}

export function mariadbObservation<K extends MariadbObservationId>(id: K, facts: ObservationFacts[K]): DiscoveryObservation {
  const sentence = MARIADB_OBSERVATIONS[id] as (facts: ObservationFacts[K]) => string;
  return { id, observation: sentence(facts) } as DiscoveryObservation;
}
