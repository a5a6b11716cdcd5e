import "server-only";
import { reviewDraft, type ReviewRecord } from "@/core/incidents/review-draft";
import { textPdf } from "@/core/incidents/text-pdf";
import type { IncidentReviewView } from "@/contracts/incidents";
import { appendAuditEvent } from "../audit/append-audit-event";
import { lockAuditChain } from "../audit/chain-keying";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../errors";
import { incidentRecord, serviceIdsOf, storedIncident, type StoredIncident } from "./incident-record";

const observedRtoSentence = (value: unknown): string | null =>
  value && typeof value === "object" && "sentence" in value && typeof value.sentence === "string" ? value.sentence : null;

/** The automation starts its runs with the reason `automation <rule>: <sentence>` (server/automation/carry-out.ts). */
const automationRuleOf = (reason: string | null) => /^automation ([\w-]+):/.exec(reason ?? "")?.[1] ?? null;

/** Everything the draft is written from, read from the store. */
async function reviewRecordOf(incident: StoredIncident, now: Date): Promise<ReviewRecord> {
  const record = await incidentRecord(incident, now);
  const serviceIds = serviceIdsOf(incident);
  const people = [incident.commanderId, ...incident.responderIds].filter((id): id is string => id !== null);
  const [runs, datasets, users] = await Promise.all([
    db().run.findMany({ where: { id: { in: record.runIds } }, orderBy: { startedAt: "asc" }, include: { startedBy: { select: { email: true } } } }),
    db().dataset.findMany({ where: { serviceId: { in: serviceIds } }, orderBy: [{ serviceId: "asc" }, { name: "asc" }] }),
    db().user.findMany({ where: { id: { in: people } }, select: { id: true, email: true } }),
  ]);
  const emailOf = (id: string) => users.find((user) => user.id === id)?.email ?? id;
  return {
    incident: {
      id: incident.id,
      title: incident.title,
      serviceIds,
      status: incident.status,
      firstSignAt: incident.firstSignAt,
      openedAt: incident.openedAt,
      resolvedAt: incident.resolvedAt,
      openedBy: incident.openedByLabel,
      openRule: incident.openRule,
      commander: incident.commanderId ? emailOf(incident.commanderId) : null,
      responders: incident.responderIds.map(emailOf),
    },
    updates: incident.updates.map((update) => ({ status: update.status, note: update.note, author: update.authorLabel, at: update.at })),
    timeline: record.timeline,
    runs: runs.map((run) => ({
      id: run.id,
      serviceId: run.serviceId,
      runbookId: run.runbookId,
      mode: run.mode,
      startedBy: run.actorType === "automation" ? `automation (rule ${automationRuleOf(run.reason) ?? "not recorded"})` : (run.startedBy?.email ?? run.actorType),
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      observedRtoMs: run.observedRtoMs,
      observedRtoSentence: observedRtoSentence(run.observedRto),
    })),
    datasets: datasets.map((dataset) => ({ serviceId: dataset.serviceId, name: dataset.name, consistency: dataset.consistency, rpoSeconds: dataset.rpoSeconds, rtoSeconds: dataset.rtoSeconds })),
  };
}

/** The incident, locked, refusing one that is not resolved: a review is written once the incident is over. */
async function resolvedIncident(tx: Tx, id: string) {
  await lockAuditChain(tx);
  const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "Incident" WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new NotFoundError(`No incident ${id}.`);
  if (row.status !== "resolved") throw new ConflictError(`Incident ${id} is ${row.status}: a post-incident review is written from a resolved incident; resolve it first.`);
  const latest = await tx.incidentReview.findFirst({ where: { incidentId: id }, orderBy: { version: "desc" }, select: { version: true } });
  return latest?.version ?? 0;
}

/** Stores a new version, audited with the incident's id, so the audit trail links to the review. */
async function storeVersion(tx: Tx, actor: UserActor, id: string, version: number, markdown: string, origin: "draft" | "edit", serviceId: string | null) {
  await tx.incidentReview.create({ data: { incidentId: id, version, markdown, authorId: actor.userId, authorLabel: actor.email } });
  await appendAuditEvent(tx, {
    actor: auditActorOf(actor),
    action: "incident.review",
    target: { type: "incident", id },
    serviceId,
    reason: origin === "draft" ? "review draft written from the record" : "review edited",
    after: { version, origin, characters: markdown.length },
    details: { incidentId: id, review: `/incidents/${id}/review?version=${version}` },
  });
}

/** Writes a new review version from the record (the first draft, or a fresh one after more was recorded). */
export async function draftIncidentReview(actor: UserActor, id: string): Promise<IncidentReviewView> {
  const incident = await storedIncident(id);
  const markdown = reviewDraft(await reviewRecordOf(incident, new Date()));
  const version = await db().$transaction(async (tx) => {
    const next = (await resolvedIncident(tx, id)) + 1;
    await storeVersion(tx, actor, id, next, markdown, "draft", serviceIdsOf(incident)[0] ?? null);
    return next;
  });
  return incidentReview(id, version);
}

/** Saves a person's edit as the next version; refused when someone saved a newer one since the edit began. */
export async function saveIncidentReview(actor: UserActor, id: string, request: { markdown: string; baseVersion: number }): Promise<IncidentReviewView> {
  const version = await db().$transaction(async (tx) => {
    const latest = await resolvedIncident(tx, id);
    if (request.baseVersion !== latest) {
      throw new ConflictError(`baseVersion: the review is at version ${latest}, not ${request.baseVersion}; someone saved since the edit began — reload it and edit again.`, "baseVersion");
    }
    const services = await tx.incidentService.findFirst({ where: { incidentId: id }, orderBy: { attachedAt: "asc" }, select: { serviceId: true } });
    await storeVersion(tx, actor, id, latest + 1, request.markdown, "edit", services?.serviceId ?? null);
    return latest + 1;
  });
  return incidentReview(id, version);
}

/** A version of the review (the latest unless said), with the list of versions. */
export async function incidentReview(id: string, version?: number): Promise<IncidentReviewView> {
  const versions = await db().incidentReview.findMany({ where: { incidentId: id }, orderBy: { version: "desc" }, select: { version: true, authorLabel: true, createdAt: true } });
  if (!versions.length) {
    if (!(await db().incident.findUnique({ where: { id }, select: { id: true } }))) throw new NotFoundError(`No incident ${id}.`);
    throw new NotFoundError(`Incident ${id} has no review yet; write a draft from the record first.`);
  }
  const wanted = version ?? versions[0]!.version;
  const review = await db().incidentReview.findUnique({ where: { incidentId_version: { incidentId: id, version: wanted } } });
  if (!review) throw new NotFoundError(`Incident ${id} has no review version ${wanted}.`);
  return {
    incidentId: id,
    version: review.version,
    markdown: review.markdown,
    author: review.authorLabel,
    createdAt: review.createdAt.toISOString(),
    versions: versions.map((row) => ({ version: row.version, author: row.authorLabel, createdAt: row.createdAt.toISOString() })),
  };
}

/** The review as a file: Markdown as written, or a plain-text PDF of it. */
export async function exportIncidentReview(id: string, query: { format: "md" | "pdf"; version?: number }): Promise<Response> {
  const review = await incidentReview(id, query.version);
  const name = `incident-${id}-review-v${review.version}`;
  if (query.format === "pdf") {
    return new Response(Buffer.from(textPdf(review.markdown)), { headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${name}.pdf"` } });
  }
  return new Response(review.markdown, { headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${name}.md"` } });
}
