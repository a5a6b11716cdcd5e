import "server-only";
import { z } from "zod";
import { drillReportSchema, type drillListSchema, type DrillView } from "@/contracts/drills";
import { db } from "../db/client";
import type { Drill, DrillReport } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { approvalViewOf } from "./drill-approvals";

const iso = (date: Date | null) => date?.toISOString() ?? null;
const paramsOf = (value: unknown) => z.record(z.string(), z.string()).parse(value);

type DrillSummary = z.infer<typeof drillListSchema>["drills"][number];

function baseOf(drill: Drill, emails: Map<string, string>): Omit<DrillView, "report" | "approval"> {
  return {
    id: drill.id,
    serviceId: drill.serviceId,
    runbookId: drill.runbookId,
    params: paramsOf(drill.params),
    switchBack: drill.switchBack,
    status: drill.status,
    originalRegionId: drill.originalRegionId,
    runId: drill.runId,
    switchBackRunId: drill.switchBackRunId,
    scheduleId: drill.scheduleId,
    planId: drill.planId,
    startedBy: drill.startedById ? (emails.get(drill.startedById) ?? drill.startedById) : null,
    reason: drill.reason,
    error: drill.error,
    createdAt: drill.createdAt.toISOString(),
    finishedAt: iso(drill.finishedAt),
  };
}

function summaryOf(drill: Drill & { report: DrillReport | null }, emails: Map<string, string>): DrillSummary {
  return { ...baseOf(drill, emails), passed: drill.report?.passed ?? null, observedRtoMs: drill.report?.observedRtoMs ?? null, lostWrites: drill.report?.lostWrites ?? null };
}

async function emailsOf(userIds: (string | null)[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds.filter((id) => id !== null))];
  if (!ids.length) return new Map();
  const users = await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  return new Map(users.map((user) => [user.id, user.email]));
}

export async function listDrills(serviceId: string | undefined, limit: number): Promise<DrillSummary[]> {
  const drills = await db().drill.findMany({ where: serviceId ? { serviceId } : {}, orderBy: { createdAt: "desc" }, take: limit, include: { report: true } });
  const emails = await emailsOf(drills.map((drill) => drill.startedById));
  return drills.map((drill) => summaryOf(drill, emails));
}

export async function drillView(drillId: string): Promise<DrillView> {
  const drill = await db().drill.findUnique({ where: { id: drillId }, include: { report: true, approval: true } });
  if (!drill) throw new NotFoundError(`No drill with id ${drillId}.`);
  const report = drill.report;
  return {
    ...baseOf(drill, await emailsOf([drill.startedById])),
    approval: await approvalViewOf(drill.approval),
    report: report
      ? drillReportSchema.parse({
          passed: report.passed,
          observedRtoMs: report.observedRtoMs,
          lostWrites: report.lostWrites,
          canary: report.canary,
          ...(report.runRto as object),
          verdicts: report.verdicts,
          steps: report.steps,
          timeline: report.timeline,
          createdAt: report.createdAt.toISOString(),
        })
      : null,
  };
}
