import type { DiscoveryProposal } from "@/contracts/discovery";
import { fleetDocumentSchema, regionIdSchema, type FleetDocument } from "@/contracts/topology";

/**
 * A discovery proposal completed by a person: what PostgreSQL told stays as
 * it told it, and every question is answered in a field of its own, as
 * typed (strings, so a half-typed port is still an answer to show back).
 * Nothing is filled in for them: an empty answer is a problem at the
 * question's path, never a default.
 */
export interface ReplicaAnswers {
  name: string;
  host: string;
  port: string;
  database: string;
  region: string;
  replication: "" | "sync" | "async";
}

export interface RegionAnswers {
  /** cloud:code */
  id: string;
  jurisdiction: string;
  displayName: string;
}

export interface DatasetAnswers {
  name: string;
  ownerTeam: string;
  consistency: "" | "strong" | "eventual";
  rpoSeconds: string;
  rtoSeconds: string;
}

export interface ProposalAnswers {
  serviceId: string;
  name: string;
  description: string;
  replicas: ReplicaAnswers[];
  /** Regions Switchyard does not know yet, added with the service. */
  regions: RegionAnswers[];
  datasets: DatasetAnswers[];
  /** The datasets question answered "none" on purpose, not by leaving it empty. */
  noDatasets: boolean;
}

/** One thing to fix before the document can be planned: the fleet-document path it belongs to, and what is wrong. */
export interface AnswerProblem {
  path: string;
  message: string;
}

export type CompletedProposal = { ok: true; document: FleetDocument } | { ok: false; problems: AnswerProblem[] };

/** What Switchyard knows already, that the answers are checked against. */
export interface KnownTopology {
  regionIds: readonly string[];
  serviceIds: readonly string[];
}

/** The answers a form starts from: what PostgreSQL told, and nothing for what it asked. */
export function initialAnswers(proposal: DiscoveryProposal): ProposalAnswers {
  const [service] = proposal.services;
  return {
    serviceId: service.id ?? "",
    name: service.name ?? "",
    description: "",
    replicas: service.replicas.map((replica) => ({
      name: replica.name ?? "",
      host: replica.host ?? "",
      port: replica.port === undefined ? "" : String(replica.port),
      database: replica.database ?? "",
      region: "",
      replication: replica.replication ?? "",
    })),
    regions: [],
    datasets: [],
    noDatasets: false,
  };
}

const replicaPath = (index: number, field: string) => `services.0.replicas.${index}.${field}`;

/** What an empty answer means for each replica field, said to the person who left it empty. */
const EMPTY_REPLICA_ANSWER: Record<keyof ReplicaAnswers, (replica: string) => string> = {
  name: () => "give the replica's name (the application_name a PostgreSQL standby streams as, the report_host of a MariaDB replica)",
  host: (replica) => `give the host ${replica} listens on`,
  port: (replica) => `give the port ${replica} listens on`,
  database: (replica) => `give the database ${replica} serves`,
  region: (replica) => `choose the region ${replica} runs in`,
  replication: (replica) => `choose whether ${replica} is a sync or async standby when another replica is primary`,
};

const EMPTY_DATASET_ANSWER: Record<keyof DatasetAnswers, (dataset: string) => string> = {
  name: () => "give the dataset a name",
  ownerTeam: (dataset) => `give the team that owns ${dataset}`,
  consistency: (dataset) => `choose whether ${dataset} is strong (synchronous, RPO 0) or eventual`,
  rpoSeconds: (dataset) => `give ${dataset}'s recovery point budget in seconds`,
  rtoSeconds: (dataset) => `give ${dataset}'s recovery time budget in seconds`,
};

const EMPTY_REGION_ANSWER: Record<keyof RegionAnswers, string> = {
  id: "give the region as cloud:code, e.g. azure:westeurope",
  jurisdiction: "give the jurisdiction its data falls under, e.g. EU or US",
  displayName: "give the region a display name",
};

const WHOLE_NUMBER = /^\d+$/;
const NUMBER_FIELDS = new Set(["port", "rpoSeconds", "rtoSeconds"]);

/** Empty answers, and numbers that are not whole numbers, in the order the form shows them. */
function emptyOrNotANumber<T extends object>(answer: T, path: (field: string) => string, empty: Record<keyof T & string, string>): AnswerProblem[] {
  return (Object.keys(empty) as (keyof T & string)[]).flatMap((field) => {
    const value = String(answer[field]).trim();
    if (!value) return [{ path: path(field), message: empty[field] }];
    if (NUMBER_FIELDS.has(field) && !WHOLE_NUMBER.test(value)) return [{ path: path(field), message: `must be a whole number, not "${value}"` }];
    return [];
  });
}

const sentences = <T>(table: Record<keyof T & string, (subject: string) => string>, subject: string) =>
  Object.fromEntries(Object.entries(table).map(([field, sentence]) => [field, (sentence as (subject: string) => string)(subject)])) as Record<keyof T & string, string>;

function answerProblems(answers: ProposalAnswers, known: KnownTopology): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const serviceId = answers.serviceId.trim();
  if (!serviceId) problems.push({ path: "services.0.id", message: "give the service an id" });
  else if (known.serviceIds.includes(serviceId)) {
    problems.push({ path: "services.0.id", message: `${serviceId} is a service Switchyard manages already: adding a service needs a new id (change ${serviceId} on the Topology page)` });
  }
  if (!answers.name.trim()) problems.push({ path: "services.0.name", message: "give the service a display name" });
  answers.replicas.forEach((replica, index) => {
    const label = replica.name.trim() || (index === 0 ? "the primary" : `replica ${index + 1}`);
    problems.push(...emptyOrNotANumber(replica, (field) => replicaPath(index, field), sentences<ReplicaAnswers>(EMPTY_REPLICA_ANSWER, label)));
  });
  answers.regions.forEach((region, index) => {
    const id = region.id.trim();
    const at = (field: string) => `regions.${index}.${field}`;
    problems.push(...emptyOrNotANumber(region, at, EMPTY_REGION_ANSWER));
    if (!id) return;
    if (!regionIdSchema.safeParse(id).success) problems.push({ path: at("id"), message: `${id} must be cloud:code, lower-case letters, digits and inner dashes, e.g. azure:westeurope` });
    else if (known.regionIds.includes(id)) problems.push({ path: at("id"), message: `${id} is known already: choose it from the list instead` });
    else if (answers.regions.findIndex((other) => other.id.trim() === id) !== index) problems.push({ path: at("id"), message: `${id} is added twice` });
    else if (!answers.replicas.some((replica) => replica.region === id)) problems.push({ path: at("id"), message: `no replica runs in ${id}: choose it for one, or remove it` });
  });
  if (answers.datasets.length === 0 && !answers.noDatasets) {
    problems.push({ path: "services.0.datasets", message: "add the service's datasets, or say it has none: PostgreSQL cannot tell who owns the data or what losing some of it costs" });
  }
  answers.datasets.forEach((dataset, index) => {
    const label = dataset.name.trim() || `dataset ${index + 1}`;
    problems.push(...emptyOrNotANumber(dataset, (field) => `services.0.datasets.${index}.${field}`, sentences<DatasetAnswers>(EMPTY_DATASET_ANSWER, label)));
  });
  // Only the first problem of each field: the one to fix first.
  return problems.filter((problem, index) => problems.findIndex((other) => other.path === problem.path) === index);
}

const asNumber = (text: string) => (WHOLE_NUMBER.test(text.trim()) ? Number(text.trim()) : text);

/** A new region as typed (`cloud:code`), split as the fleet document holds it. */
function regionOf(answer: RegionAnswers) {
  const [cloud = "", code = ""] = answer.id.trim().split(":");
  return { cloud, code, jurisdiction: answer.jurisdiction.trim(), displayName: answer.displayName.trim() };
}

/**
 * The fleet document the answers make: one new service (its primary the
 * first replica, as discovery proposes it) and the new regions it needs.
 * Every problem is returned at once, each at its path: first the questions
 * left unanswered, then what the fleet document's own validation refuses.
 */
export function completeProposal(proposal: DiscoveryProposal, answers: ProposalAnswers, known: KnownTopology): CompletedProposal {
  const [proposed] = proposal.services;
  const unanswered = answerProblems(answers, known);
  const replicas = answers.replicas.map((answer, index) => {
    const told = proposed.replicas[index] ?? {};
    return {
      name: told.name ?? answer.name.trim(),
      region: answer.region,
      host: told.host ?? answer.host.trim(),
      port: told.port ?? asNumber(answer.port),
      database: told.database ?? answer.database.trim(),
      replication: told.replication ?? answer.replication,
    };
  });
  const candidate = {
    version: 1,
    regions: answers.regions.map(regionOf),
    services: [
      {
        id: answers.serviceId.trim(),
        name: answers.name.trim(),
        description: answers.description.trim(),
        engine: proposed.engine,
        // The primary's replica name is the one answer to both questions about it.
        primary: replicas[0]?.name ?? "",
        datasets: answers.datasets.map((dataset) => ({
          name: dataset.name.trim(),
          ownerTeam: dataset.ownerTeam.trim(),
          consistency: dataset.consistency,
          rpoSeconds: asNumber(dataset.rpoSeconds),
          rtoSeconds: asNumber(dataset.rtoSeconds),
        })),
        replicas,
      },
    ],
  };
  const parsed = fleetDocumentSchema.safeParse(candidate);
  if (parsed.success && unanswered.length === 0) return { ok: true, document: parsed.data };
  // Where each answer was typed: a new region as one cloud:code, the primary's name as the first replica's.
  const formPath = (path: string) => (path === "services.0.primary" ? replicaPath(0, "name") : path.replace(/^(regions\.\d+)\.(cloud|code)$/, "$1.id"));
  const seen = new Set(unanswered.map((problem) => problem.path));
  const invalid: AnswerProblem[] = [];
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const path = formPath(issue.path.join("."));
    if (seen.has(path)) continue;
    seen.add(path);
    invalid.push({ path, message: issue.message });
  }
  return { ok: false, problems: [...unanswered, ...invalid] };
}

/** Every region a replica may be placed in: the known ones, then the new ones the answers add. */
export function regionChoices(known: readonly { id: string; label: string }[], answers: ProposalAnswers): { id: string; label: string }[] {
  const added = answers.regions.filter((region) => region.id.trim() && !known.some((option) => option.id === region.id.trim()));
  return [...known, ...added.map((region) => ({ id: region.id.trim(), label: `${region.id.trim()} (new${region.jurisdiction ? `, ${region.jurisdiction}` : ""})` }))];
}
