import "server-only";
import type { AutomationPauseView } from "@/contracts/automation";
import { pauseExpiryProblem, pauseInForce } from "@/core/automation/pauses";
import { appendAuditEvent } from "../audit/append-audit-event";
import { auditActorOf, type UserActor } from "../auth/actor";
import { db } from "../db/client";
import { type AutomationPause, Prisma } from "../db/generated/client";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { liveServiceOrThrow } from "../retired-guards";

const RECENT = 50;

function pauseView(pause: AutomationPause, now: Date): AutomationPauseView {
  return {
    id: pause.id,
    scope: pause.scope,
    serviceId: pause.serviceId,
    reason: pause.reason,
    createdBy: pause.createdBy,
    createdAt: pause.createdAt.toISOString(),
    expiresAt: pause.expiresAt.toISOString(),
    endedAt: pause.endedAt?.toISOString() ?? null,
    endedBy: pause.endedBy,
    state: pause.endedAt ? "ended" : pauseInForce(pause, now) ? "active" : "expired",
  };
}

const describePause = (pause: AutomationPause) => `${pause.id} by ${pause.createdBy} ("${pause.reason}", until ${pause.expiresAt.toISOString()})`;

/** Pauses automatic failover of one service, or of all (`global`); one pause in force per scope. */
export async function createAutomationPause(actor: UserActor, request: { scope: string; reason: string; expiresAt: string }, now = new Date()): Promise<AutomationPauseView> {
  const expiresAt = new Date(request.expiresAt);
  const problem = pauseExpiryProblem(expiresAt, now);
  if (problem) throw new ValidationError(problem, "expiresAt");
  const serviceId = request.scope === "global" ? null : request.scope;
  const scope = serviceId === null ? "global" : `service:${serviceId}`;
  try {
    return await db().$transaction(async (tx) => {
      if (serviceId !== null) await liveServiceOrThrow(tx, serviceId, "there is no automation of it left to pause", "scope");
      // An expired pause still holds its scope's slot in the unique index; it gives it up here.
      await tx.automationPause.updateMany({ where: { activeScope: scope, expiresAt: { lte: now } }, data: { activeScope: null } });
      const existing = await tx.automationPause.findUnique({ where: { activeScope: scope } });
      if (existing) throw new ConflictError(`Automation of ${scope} is already paused: ${describePause(existing)}; end it first.`, "scope");
      const pause = await tx.automationPause.create({ data: { scope, serviceId, activeScope: scope, reason: request.reason, createdBy: actor.email, expiresAt } });
      await appendAuditEvent(tx, {
        actor: auditActorOf(actor),
        action: "automation.pause",
        target: { type: "automation_pause", id: pause.id },
        serviceId,
        reason: request.reason,
        after: { scope, expiresAt: expiresAt.toISOString() },
      });
      return pauseView(pause, now);
    });
  } catch (error) {
    // Two pauses of one scope raced past the check; the unique index let one through.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new ConflictError(`Automation of ${scope} was paused by someone else just now; list the pauses to see it.`, "scope");
    }
    throw error;
  }
}

/** Ends a pause before its expiry; the automation of its scope may act again. */
export async function endAutomationPause(actor: UserActor, pauseId: string, now = new Date()): Promise<AutomationPauseView> {
  return db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "AutomationPause" WHERE id = ${pauseId} FOR UPDATE`;
    if (!locked) throw new NotFoundError(`No automation pause with id ${pauseId}.`);
    const pause = await tx.automationPause.findUniqueOrThrow({ where: { id: pauseId } });
    if (pause.endedAt) throw new ConflictError(`Pause ${pauseId} was already ended by ${pause.endedBy} at ${pause.endedAt.toISOString()}.`);
    if (!pauseInForce(pause, now)) throw new ConflictError(`Pause ${pauseId} expired at ${pause.expiresAt.toISOString()}; there is nothing to end.`);
    const ended = await tx.automationPause.update({ where: { id: pauseId }, data: { endedAt: now, endedBy: actor.email, activeScope: null } });
    await appendAuditEvent(tx, {
      actor: auditActorOf(actor),
      action: "automation.resume",
      target: { type: "automation_pause", id: pauseId },
      serviceId: pause.serviceId,
      before: { scope: pause.scope, expiresAt: pause.expiresAt.toISOString(), reason: pause.reason },
      after: { endedAt: now.toISOString() },
    });
    return pauseView(ended, now);
  });
}

export async function listAutomationPauses(now = new Date()): Promise<{ active: AutomationPauseView[]; recent: AutomationPauseView[]; generatedAt: string }> {
  const [active, recent] = await Promise.all([
    db().automationPause.findMany({ where: { endedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: "asc" } }),
    db().automationPause.findMany({ orderBy: { createdAt: "desc" }, take: RECENT }),
  ]);
  return { active: active.map((pause) => pauseView(pause, now)), recent: recent.map((pause) => pauseView(pause, now)), generatedAt: now.toISOString() };
}
