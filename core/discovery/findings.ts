import type { DiscoveryObservation, DiscoveryQuestion } from "@/contracts/discovery";
import type { RequestField } from "./readings";

/**
 * Everything discovery says, as three declared tables keyed by stable ids:
 * why it refuses a request, what it asks because PostgreSQL cannot know it
 * (with the place in the fleet document the answer goes), and what it saw
 * and decided that the document cannot express. Ids are stable; tests,
 * the console and scripts refer to them.
 */

const GRANT = "grant the role pg_monitor";
const PG_MONITOR_SETTINGS = "permission denied: grant the role pg_monitor, or pg_read_all_settings";

interface RefusalFacts {
  "server-too-old": { server: string; version: string };
  "not-a-primary": { server: string; upstream: string | null };
  "replication-hidden": { server: string; role: string };
  "standby-not-in-recovery": { server: string };
  "other-cluster": { server: string; systemIdentifier: string; primary: string; primarySystemIdentifier: string };
  "standby-names-unreadable": { server: string; error: string };
  "duplicate-application-name": { name: string; servers: string };
  "same-standby-twice": { server: string; other: string; name: string };
  "standby-not-streaming-here": { server: string; name: string; receiver: string };
  "slot-mismatch": { server: string; name: string; slot: string; upstream: string; upstreamSlot: string };
}

export const REFUSALS: { [K in keyof RefusalFacts]: (facts: RefusalFacts[K]) => string } = {
  "server-too-old": ({ server, version }) =>
    `${server} runs PostgreSQL ${version}; discovery needs PostgreSQL 12 or later, where primary_conninfo is a setting it can read`,
  "not-a-primary": ({ server, upstream }) =>
    `${server} is in recovery, so it is a standby${upstream ? ` (it streams from ${upstream})` : ""}, not a primary: give the primary's URL as primaryUrl and this one under standbyUrls`,
  "replication-hidden": ({ server, role }) =>
    `role ${role} may not see the replication details on ${server} (pg_stat_replication and pg_stat_wal_receiver show it nothing but process ids): ${GRANT}, or pg_read_all_stats`,
  "standby-not-in-recovery": ({ server }) =>
    `${server} is not in recovery: it takes writes itself, so it is not a standby of this primary (a second primary?); leave it out, or check which server is the primary`,
  "other-cluster": ({ server, systemIdentifier, primary, primarySystemIdentifier }) =>
    `${server} belongs to another cluster: its system identifier ${systemIdentifier} is not ${primary}'s ${primarySystemIdentifier}, so it cannot stream from this primary`,
  "standby-names-unreadable": ({ server, error }) => `synchronous_standby_names on ${server} does not parse (${error}), so discovery cannot tell sync standbys from async ones`,
  "duplicate-application-name": ({ name, servers }) =>
    `more than one standby streams as "${name}" (from ${servers}): Switchyard tells replicas apart by application_name, so give each standby its own in its primary_conninfo`,
  "same-standby-twice": ({ server, other, name }) => `${server} and ${other} are the same standby (both stream as "${name}"): give each standby's URL once`,
  "standby-not-streaming-here": ({ server, name, receiver }) =>
    `${server} (as "${name}") streams neither from the primary nor from a standby given: ${receiver}; give its upstream's URL too, or leave it out until it streams`,
  "slot-mismatch": ({ server, name, slot, upstream, upstreamSlot }) =>
    `${server} streams as "${name}" through slot ${slot}, but ${upstream}'s walsender for "${name}" holds slot ${upstreamSlot}: two servers call themselves "${name}"`,
};

interface QuestionFacts {
  "service-id": Record<string, never>;
  "service-name": Record<string, never>;
  "primary-name": { server: string; why: PrimaryNameGap };
  "primary-field": Record<string, never>;
  "primary-replication": { index: number; name: string };
  "replica-name-invalid": { index: number; name: string; problem: string };
  "standby-host": { index: number; name: string; clientAddr: string | null };
  "standby-port": { index: number; name: string };
  database: { index: number; name: string };
  "replica-region": { index: number; name: string };
  regions: Record<string, never>;
  datasets: Record<string, never>;
  "inactive-slot": { slot: string };
  "missing-sync-standby": { name: string };
  "no-standbys": { server: string };
}

interface QuestionRow<F> {
  path: (facts: F) => string;
  sentence: (facts: F) => string;
}

const replicaPath = (field: string) => ({ index }: { index: number }) => `services.0.replicas.${index}.${field}`;

/** Why the primary's name is unknown: it is the application_name in its own primary_conninfo, when that has one. */
export type PrimaryNameGap = { kind: "no-conninfo" } | { kind: "no-application-name" } | { kind: "unreadable" } | { kind: "taken"; name: string };

function primaryNameGap(gap: PrimaryNameGap): string {
  switch (gap.kind) {
    case "no-conninfo":
      return "it has no primary_conninfo, so it never streamed under a name";
    case "no-application-name":
      return "its primary_conninfo names no application_name";
    case "unreadable":
      return `its primary_conninfo cannot be read (${PG_MONITOR_SETTINGS})`;
    case "taken":
      return `its primary_conninfo names "${gap.name}", which a standby streams as now`;
  }
}

export const QUESTIONS: { [K in keyof QuestionFacts]: QuestionRow<QuestionFacts[K]> } = {
  "service-id": {
    path: () => "services.0.id",
    sentence: () => "Which id Switchyard should know this service by (lower-case letters, digits and dashes): PostgreSQL has no name for the service it serves",
  },
  "service-name": { path: () => "services.0.name", sentence: () => "The service's display name: PostgreSQL does not know it" },
  "primary-name": {
    path: () => "services.0.replicas.0.name",
    sentence: ({ server, why }) =>
      `What to call the primary at ${server}, the application_name it will stream as when it is a standby: ${primaryNameGap(why)}`,
  },
  "primary-field": { path: () => "services.0.primary", sentence: () => "The primary's replica name, the same as services.0.replicas.0.name" },
  "primary-replication": {
    path: replicaPath("replication"),
    sentence: ({ name }) =>
      `Whether ${name} should be a synchronous standby (sync) or not (async) while another replica is primary: a primary's synchronous_standby_names names only its own standbys`,
  },
  "replica-name-invalid": {
    path: replicaPath("name"),
    sentence: ({ name, problem }) =>
      `"${name}" is not a valid replica name (${problem}); Switchyard matches replicas to standbys by application_name, so rename the standby's application_name in its primary_conninfo (and in synchronous_standby_names) and discover again`,
  },
  "standby-host": {
    path: replicaPath("host"),
    sentence: ({ name, clientAddr }) =>
      `Where ${name} listens for connections: give its URL under standbyUrls, or fill in its host${clientAddr ? `. The primary sees it connect from ${clientAddr}, which is where it connects from, not where it listens` : ""}`,
  },
  "standby-port": { path: replicaPath("port"), sentence: ({ name }) => `Which port ${name} listens on: the primary does not see it` },
  database: {
    path: replicaPath("database"),
    sentence: ({ name }) => `Which database ${name} serves the service's clients from: the primary's URL names none`,
  },
  "replica-region": {
    path: replicaPath("region"),
    sentence: ({ name }) => `Which region ${name} runs in (cloud:code, e.g. aws:eu-west-1): PostgreSQL does not know where its servers are`,
  },
  regions: {
    path: () => "regions",
    sentence: () =>
      "The regions the replicas run in that Switchyard does not know yet, each with its jurisdiction (EU, US…) and display name: PostgreSQL knows neither where its servers are nor which law their data falls under",
  },
  datasets: {
    path: () => "services.0.datasets",
    sentence: () =>
      "The service's datasets: each one's owner team, consistency (strong or eventual) and recovery budgets (RPO, RTO). PostgreSQL knows databases and tables, not who owns the data or what losing some of it costs",
  },
  "inactive-slot": {
    path: () => "services.0.replicas",
    sentence: ({ slot }) =>
      `Replication slot ${slot} on the primary is not in use: if a standby that is down streams through it, add that standby; if none does, drop the slot, which keeps WAL on the primary`,
  },
  "missing-sync-standby": {
    path: () => "services.0.replicas",
    sentence: ({ name }) => `synchronous_standby_names names "${name}", which does not stream from the primary now: if it is a standby that is down, add it as sync`,
  },
  "no-standbys": {
    path: () => "services.0.replicas",
    sentence: ({ server }) =>
      `No standby streams from ${server}. One server is a valid service, but Switchyard can fail over only to a standby: add any standbys that are down`,
  },
};

interface ObservationFacts {
  "potential-standby": { name: string };
  quorum: { count: number; names: string };
  "sync-count": { count: number };
  wildcard: Record<string, never>;
  "sync-state-differs": { name: string; proposed: "sync" | "async"; reported: string };
  cascading: { name: string; upstream: string };
  "not-streaming-yet": { name: string; state: string };
  "no-slot": { name: string };
  "sender-address": { name: string; sender: string; upstream: string };
  "conninfo-differs": { name: string; setting: string; inUse: string };
  "conninfo-unreadable": { name: string };
  "logical-sender": { name: string; database: string; server: string };
  "base-backup": { name: string; server: string };
}

export const OBSERVATIONS: { [K in keyof ObservationFacts]: (facts: ObservationFacts[K]) => string } = {
  "potential-standby": ({ name }) =>
    `${name} is a potential synchronous standby (named in synchronous_standby_names behind the ones confirming commits now): proposed as sync, since it confirms commits as soon as one ahead of it drops`,
  quorum: ({ count, names }) =>
    `synchronous_standby_names is a quorum: each commit waits for any ${count} of ${names}; each of them is proposed as sync, since any commit may wait on it`,
  "sync-count": ({ count }) => `Each commit waits for ${count} standbys; the fleet document records which standbys are synchronous, not how many must confirm a commit`,
  wildcard: () => "synchronous_standby_names holds *, which names every standby: each standby of the primary is proposed as sync",
  "sync-state-differs": ({ name, proposed, reported }) =>
    `${name} is proposed as ${proposed} from synchronous_standby_names, but the primary reports it as ${reported} (a setting changed and not yet reloaded?)`,
  cascading: ({ name, upstream }) =>
    `${name} streams from the standby ${upstream}, not from the primary (cascading replication): proposed as async, since only the primary's own standbys can be synchronous`,
  "not-streaming-yet": ({ name, state }) => `${name} is connected but in state ${state}, not streaming yet`,
  "no-slot": ({ name }) => `${name} streams without a replication slot: its upstream may remove WAL it still needs`,
  "sender-address": ({ name, sender, upstream }) => `${name} reaches its upstream at ${sender}, while the URL given for it names ${upstream} (a proxy, or another name for the same server?)`,
  "conninfo-differs": ({ name, setting, inUse }) =>
    `${name}'s primary_conninfo says ${setting}, but its WAL receiver uses ${inUse} (primary_conninfo changed and not yet reloaded?)`,
  "conninfo-unreadable": ({ name }) => `${name}'s primary_conninfo cannot be read (${PG_MONITOR_SETTINGS}); only its WAL receiver was cross-checked`,
  "logical-sender": ({ name, database, server }) =>
    `"${name}" is a logical replication connection to database ${database} on ${server}, not a standby: left out`,
  "base-backup": ({ name, server }) => `"${name}" is taking a base backup from ${server}, not streaming as a standby: left out`,
};

export type RefusalId = keyof RefusalFacts;
export type QuestionId = keyof QuestionFacts;
export type ObservationId = keyof ObservationFacts;

export const REFUSAL_IDS = Object.keys(REFUSALS) as RefusalId[];
export const QUESTION_IDS = Object.keys(QUESTIONS) as QuestionId[];
export const OBSERVATION_IDS = Object.keys(OBSERVATIONS) as ObservationId[];

export interface Refusal {
  id: RefusalId;
  field: RequestField;
  reason: string;
}

export type Question = DiscoveryQuestion;
export type Observation = DiscoveryObservation;

export function refusal<K extends RefusalId>(id: K, field: RequestField, facts: RefusalFacts[K]): Refusal {
  const sentence = REFUSALS[id] as (facts: RefusalFacts[K]) => string;
  return { id, field, reason: sentence(facts) };
}

export function question<K extends QuestionId>(id: K, facts: QuestionFacts[K]): Question {
  const row = QUESTIONS[id] as QuestionRow<QuestionFacts[K]>;
  return { id, path: row.path(facts), question: row.sentence(facts) };
}

export function observation<K extends ObservationId>(id: K, facts: ObservationFacts[K]): Observation {
  const sentence = OBSERVATIONS[id] as (facts: ObservationFacts[K]) => string;
  return { id, observation: sentence(facts) };
}
