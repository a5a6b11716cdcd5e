import { beforeAll, describe, expect, it } from "vitest";
import * as agentRevoke from "@/app/api/v1/agents/[id]/revoke/route";
import * as agentToken from "@/app/api/v1/agents/[id]/token/route";
import * as commandKey from "@/app/api/v1/agents/command-key/route";
import * as commandKeys from "@/app/api/v1/command-keys/route";
import * as keyRotation from "@/app/api/v1/command-keys/rotation/route";
import * as completeKeyRotation from "@/app/api/v1/command-keys/rotation/complete/route";
import * as cancelKeyRotation from "@/app/api/v1/command-keys/rotation/cancel/route";
import * as agentConfig from "@/app/api/v1/agents/config/route";
import * as enroll from "@/app/api/v1/agents/enroll/route";
import * as commandResult from "@/app/api/v1/agents/commands/[id]/result/route";
import * as commands from "@/app/api/v1/agents/commands/route";
import * as primaryLease from "@/app/api/v1/agents/lease/route";
import * as agentReports from "@/app/api/v1/agents/reports/route";
import * as agents from "@/app/api/v1/agents/route";
import * as tokenById from "@/app/api/v1/auth/tokens/[id]/route";
import * as ownTokens from "@/app/api/v1/auth/tokens/own/route";
import * as tokens from "@/app/api/v1/auth/tokens/route";
import * as acknowledgeAlert from "@/app/api/v1/alerts/[id]/acknowledge/route";
import * as alerts from "@/app/api/v1/alerts/route";
import * as silences from "@/app/api/v1/silences/route";
import * as expireSilence from "@/app/api/v1/silences/[id]/expire/route";
import * as auditVerify from "@/app/api/v1/audit/verify/route";
import * as auditEvents from "@/app/api/v1/audit/route";
import * as auditEvent from "@/app/api/v1/audit/[seq]/route";
import * as decisionReplay from "@/app/api/v1/audit/[seq]/replay/route";
import * as auditExport from "@/app/api/v1/audit/export/route";
import * as auditCheckpoint from "@/app/api/v1/audit/checkpoint/route";
import * as auditCheckpointKey from "@/app/api/v1/audit/checkpoint-key/route";
import * as health from "@/app/api/health/route";
import * as openApi from "@/app/api/v1/openapi.json/route";
import * as statusPage from "@/app/api/status/route";
import * as statusFeed from "@/app/api/status/feed.atom/route";
import * as statusComponents from "@/app/api/v1/status-page/components/route";
import * as fleet from "@/app/api/v1/fleet/route";
import * as metricsRoute from "@/app/api/v1/metrics/route";
import * as regions from "@/app/api/v1/regions/route";
import * as regionMatrix from "@/app/api/v1/regions/matrix/route";
import * as runbookPlan from "@/app/api/v1/runbooks/[id]/plan/route";
import * as runbooks from "@/app/api/v1/runbooks/route";
import * as startRun from "@/app/api/v1/runbooks/[id]/runs/route";
import * as abortRun from "@/app/api/v1/runs/[id]/abort/route";
import * as cancelRun from "@/app/api/v1/runs/[id]/cancel/route";
import * as plans from "@/app/api/v1/plans/route";
import * as getPlan from "@/app/api/v1/plans/[id]/route";
import * as pausePlan from "@/app/api/v1/plans/[id]/pause/route";
import * as resumePlan from "@/app/api/v1/plans/[id]/resume/route";
import * as abortPlan from "@/app/api/v1/plans/[id]/abort/route";
import * as cancelPlan from "@/app/api/v1/plans/[id]/cancel/route";
import * as approvePlan from "@/app/api/v1/plans/[id]/approve/route";
import * as rejectPlan from "@/app/api/v1/plans/[id]/reject/route";
import * as approveDrill from "@/app/api/v1/drills/[id]/approve/route";
import * as rejectDrill from "@/app/api/v1/drills/[id]/reject/route";
import { awaitingDrillFixture, awaitingPlanDrillFixture } from "../support/drills";
import * as pauseRun from "@/app/api/v1/runs/[id]/pause/route";
import * as resumeRun from "@/app/api/v1/runs/[id]/resume/route";
import * as getRun from "@/app/api/v1/runs/[id]/route";
import * as approveStep from "@/app/api/v1/runs/[id]/steps/[stepId]/approve/route";
import * as confirmStep from "@/app/api/v1/runs/[id]/steps/[stepId]/confirm/route";
import * as rejectStep from "@/app/api/v1/runs/[id]/steps/[stepId]/reject/route";
import * as runs from "@/app/api/v1/runs/route";
import * as drills from "@/app/api/v1/drills/route";
import * as drillById from "@/app/api/v1/drills/[id]/route";
import * as drillSchedules from "@/app/api/v1/drill-schedules/route";
import * as disableDrillSchedule from "@/app/api/v1/drill-schedules/[id]/disable/route";
import * as recoveryHistory from "@/app/api/v1/services/[id]/recovery-history/route";
import * as serviceById from "@/app/api/v1/services/[id]/route";
import * as serviceLag from "@/app/api/v1/services/[id]/lag/route";
import * as serviceAutomation from "@/app/api/v1/services/[id]/automation/route";
import * as acknowledgeFailover from "@/app/api/v1/services/[id]/automation/acknowledge/route";
import * as automationPauses from "@/app/api/v1/automation/pauses/route";
import * as endAutomationPause from "@/app/api/v1/automation/pauses/[id]/end/route";
import * as servicePolicy from "@/app/api/v1/services/[id]/policy/route";
import * as policies from "@/app/api/v1/policies/route";
import * as policyVersions from "@/app/api/v1/policies/[id]/versions/route";
import * as emergencyChange from "@/app/api/v1/policies/[id]/emergency/route";
import * as emergencyReview from "@/app/api/v1/policies/versions/[id]/review/route";
import * as changeRequests from "@/app/api/v1/change-requests/route";
import * as changeRequestPreview from "@/app/api/v1/change-requests/preview/route";
import * as changeRequestById from "@/app/api/v1/change-requests/[id]/route";
import * as approveChangeRequest from "@/app/api/v1/change-requests/[id]/approve/route";
import * as rejectChangeRequest from "@/app/api/v1/change-requests/[id]/reject/route";
import * as rebaseChangeRequest from "@/app/api/v1/change-requests/[id]/rebase/route";
import * as writeRoute from "@/app/api/v1/services/[id]/route/route";
import * as discover from "@/app/api/v1/topology/discover/route";
import * as services from "@/app/api/v1/services/route";
import * as userById from "@/app/api/v1/users/[id]/route";
import * as userPassword from "@/app/api/v1/users/[id]/password/route";
import * as users from "@/app/api/v1/users/route";
import * as ownPassword from "@/app/api/v1/account/password/route";
import * as pagingContact from "@/app/api/v1/account/paging-contact/route";
import * as alertEscalation from "@/app/api/v1/alerts/[id]/escalation/route";
import * as onCallSchedules from "@/app/api/v1/oncall/schedules/route";
import * as onCallSchedule from "@/app/api/v1/oncall/schedules/[id]/route";
import * as onCallOverrides from "@/app/api/v1/oncall/schedules/[id]/overrides/route";
import * as onCallOverride from "@/app/api/v1/oncall/schedules/[id]/overrides/[overrideId]/route";
import * as escalationPolicies from "@/app/api/v1/escalation-policies/route";
import * as escalationPolicy from "@/app/api/v1/escalation-policies/[id]/route";
import * as serviceEscalationPolicy from "@/app/api/v1/services/[id]/escalation-policy/route";
import * as roleGrants from "@/app/api/v1/role-grants/route";
import * as approveRoleGrant from "@/app/api/v1/role-grants/[id]/approve/route";
import * as rejectRoleGrant from "@/app/api/v1/role-grants/[id]/reject/route";
import * as topologyPlan from "@/app/api/v1/topology/plan/route";
import * as topologyApply from "@/app/api/v1/topology/apply/route";
import * as topologyExport from "@/app/api/v1/topology/export/route";
import * as topologyRules from "@/app/api/v1/topology/rules/route";
import * as fleetJsonSchema from "@/app/api/v1/schemas/fleet.json/route";
import * as regionById from "@/app/api/v1/regions/[id]/route";
import * as replicas from "@/app/api/v1/services/[id]/replicas/route";
import * as replicaByName from "@/app/api/v1/services/[id]/replicas/[name]/route";
import * as retireReplica from "@/app/api/v1/services/[id]/replicas/[name]/retire/route";
import * as datasets from "@/app/api/v1/services/[id]/datasets/route";
import * as datasetByName from "@/app/api/v1/services/[id]/datasets/[name]/route";
import * as retireDataset from "@/app/api/v1/services/[id]/datasets/[name]/retire/route";
import * as retireService from "@/app/api/v1/services/[id]/retire/route";
import * as retireRegion from "@/app/api/v1/regions/[id]/retire/route";
import { liveFleetDocument } from "@/server/topology/export-topology";
import * as enrollmentTokens from "@/app/api/v1/replicas/[id]/enrollment-tokens/route";
import * as incidents from "@/app/api/v1/incidents/route";
import * as incidentById from "@/app/api/v1/incidents/[id]/route";
import * as incidentStatus from "@/app/api/v1/incidents/[id]/status/route";
import * as incidentRoles from "@/app/api/v1/incidents/[id]/roles/route";
import * as incidentReview from "@/app/api/v1/incidents/[id]/review/route";
import * as incidentReviewDraft from "@/app/api/v1/incidents/[id]/review/draft/route";
import * as incidentReviewExport from "@/app/api/v1/incidents/[id]/review/export/route";
import { hasPermission, ROLES, type Role } from "@/core/access/permissions";
import { PERMISSION_SCOPES } from "@/core/access/token-scopes";
import { PERMISSION_REACH, SCOPABLE_ROLES } from "@/core/access/service-scopes";
import { createChangeRequest } from "@/server/change-requests/create-change-request";
import { globalPolicy } from "@/server/policy/effective-policy";
import { OPERATIONS, type OperationId } from "@/contracts/operations";
import { registerAgent } from "@/server/agents/register-agent";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/server/audit/append-audit-event";
import { AUTOMATION_ACTOR } from "@/server/automation/record-decisions";
import { decide } from "@/core/automation/decide";
import { recordSnapshot } from "@/core/automation/recorded-snapshot";
import { healthySnapshot, NOW as SNAPSHOT_NOW } from "../fixtures/automation-snapshot";
import { cancelKeyRotation as cancelKeyRotationNow, commandKeyStatus, startKeyRotation } from "@/server/commands/key-rotation";
import { db } from "@/server/db/client";
import { seedDemoTopology } from "../support/demo-topology";
import { call, consoleSession, createTestUser, sessionCookieFor, tokenFor, type CallOptions } from "../support/api";
import { batchOf, standbyReport } from "../support/reports";
import { endActivePlans, planFixture } from "../support/plans";
import { runFixture } from "../support/runs";
import { actorOf, changeRequestFixture, emergencyVersionFixture, freshWindow, ordersPolicy } from "../support/policies";
import { superuserDatabaseUrl } from "../support/sql";

type Handler = Parameters<typeof call>[0];

interface Ids {
  targetUserId: string;
  tokenId: string;
  agentId: string;
}

let spares = 0;

/** A replica with no agent yet, so that registering one is valid, on an endpoint of its own (the topology's rules refuse two live replicas on one endpoint). */
async function spareReplicaId(): Promise<string> {
  spares++;
  const replica = await db().replica.create({
    data: {
      serviceId: "orders-db",
      regionId: "aws:eu-west-1",
      name: `spare-${Math.random().toString(36).slice(2, 8)}`,
      role: "standby",
      engine: "postgresql",
      host: "127.0.0.1",
      port: 20_000 + spares,
      databaseName: "orders",
      replication: "async",
    },
  });
  return replica.id;
}

/** A firing alert nobody has acknowledged yet. */
/** A silence of orders-db for an hour, so that expiring it is valid. */
async function activeSilenceId(): Promise<string> {
  const now = new Date();
  const silence = await db().silence.create({ data: { serviceId: "orders-db", reason: "roles test", startsAt: now, endsAt: new Date(now.getTime() + 3_600_000), createdBy: "roles-test" } });
  return silence.id;
}

async function openAlertId(): Promise<string> {
  const now = new Date();
  const alert = await db().alert.create({
    data: {
      ruleId: "replica-unreachable",
      subjectKey: `replica:spare-${Math.random().toString(36).slice(2, 8)}`,
      subjectLabel: "a replica",
      serviceId: "orders-db",
      severity: "critical",
      state: "firing",
      sentence: "a replica does not answer its agent",
      startedAt: now,
      lastSeenAt: now,
      firedAt: now,
    },
  });
  return alert.id;
}

/** Ends whatever pause holds orders-db's scope, so a new one may be created there. */
/** A schedule of the target user's of its own, so every allowed call changes or deletes something new. */
async function freshScheduleId(): Promise<string> {
  const target = await db().user.findUniqueOrThrow({ where: { email: "target@example.com" } });
  const schedule = await db().onCallSchedule.create({ data: { name: uniqueName(), timeZone: "UTC", period: "weekly", startDate: "2026-11-30", handoffTime: "09:00", people: [target.id] } });
  return schedule.id;
}

async function freshOverride(): Promise<{ id: string; overrideId: string }> {
  const id = await freshScheduleId();
  const override = await db().onCallOverride.create({
    data: { scheduleId: id, userId: (await db().onCallSchedule.findUniqueOrThrow({ where: { id } })).people[0]!, startsAt: new Date(), endsAt: new Date(Date.now() + 3_600_000), reason: "role test", createdBy: "role test" },
  });
  return { id, overrideId: override.id };
}

async function freshEscalationPolicyId(): Promise<string> {
  const target = await db().user.findUniqueOrThrow({ where: { email: "target@example.com" } });
  return (await db().escalationPolicy.create({ data: { name: uniqueName(), levels: [{ timeoutMinutes: 5, targets: [{ type: "user", userId: target.id }] }] } })).id;
}

/** The caller has a paging contact to delete (none for a call without credentials). */
async function pagingContactFor(tokenId: string): Promise<void> {
  const token = await db().apiToken.findUnique({ where: { id: tokenId } });
  if (!token) return;
  const data = { format: "slack" as const, url: "https://hooks.example.com/role-test", timeZone: "UTC" };
  await db().pagingContact.upsert({ where: { userId: token.userId }, create: { userId: token.userId, ...data }, update: data });
}

async function freeOrdersPauseScope(): Promise<void> {
  await db().automationPause.updateMany({ where: { activeScope: "service:orders-db" }, data: { activeScope: null, endedAt: new Date(), endedBy: "role test" } });
}

/** A pause of orders-db in force, that nobody has ended. */
async function activePauseId(): Promise<string> {
  await freeOrdersPauseScope();
  const pause = await db().automationPause.create({
    data: { scope: "service:orders-db", serviceId: "orders-db", activeScope: "service:orders-db", reason: "role test pause", createdBy: "role test", expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return pause.id;
}

/** A grant of approver to a fresh account, asked for by an admin who is none of the callers. */
async function pendingGrantId(): Promise<string> {
  const requester = await db().user.findUniqueOrThrow({ where: { email: "policy-requester@example.com" } });
  const user = await createTestUser(`grantee-${uniqueName()}@example.com`, ["viewer"]);
  const grant = await db().roleGrant.create({ data: { userId: user.id, roles: ["approver"], requesterId: requester.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  return grant.id;
}

/** An automation decision in the audit trail with the snapshot it was decided on, as the decider records it. */
async function recordedDecisionSeq(): Promise<string> {
  const snapshot = healthySnapshot();
  const [decision] = decide(snapshot, SNAPSHOT_NOW);
  const { ruleId, diagnosis, subject, action, sentence } = decision!;
  const event = await recordAuditEvent({
    actor: AUTOMATION_ACTOR,
    action: "automation.decide",
    target: { type: "service", id: snapshot.serviceId },
    reason: sentence,
    details: { rule: ruleId, diagnosis, subject, action, decidedAt: SNAPSHOT_NOW.toISOString(), snapshot: recordSnapshot(snapshot) },
  });
  return event.seq.toString();
}

/** An incident of orders-db, the only open one of it unless resolved, with a first review version when asked. */
async function incidentId(status: "investigating" | "resolved", review = false): Promise<string> {
  await db().incidentService.updateMany({ where: { openForServiceId: "orders-db" }, data: { openForServiceId: null } });
  const open = status !== "resolved";
  const incident = await db().incident.create({
    data: {
      title: "role test",
      status,
      openRule: "declared-opens",
      openedByType: "system",
      openedByLabel: "role test",
      firstSignAt: new Date(),
      resolvedAt: open ? null : new Date(),
      services: { create: [{ serviceId: "orders-db", openForServiceId: open ? "orders-db" : null }] },
      ...(review ? { reviews: { create: [{ version: 1, markdown: "# Review", authorLabel: "role test" }] } } : {}),
    },
  });
  return incident.id;
}

/** Each operation's real handler, with a request that is valid apart from who sends it. */
const CASES: Record<OperationId, (ids: Ids) => { handler: Handler; request: CallOptions } | Promise<{ handler: Handler; request: CallOptions }>> = {
  getService: () => ({ handler: serviceById.GET, request: { params: { id: "orders-db" } } }),
  ingestReports: () => ({ handler: agentReports.POST, request: { method: "POST", body: batchOf([standbyReport(1)]) } }),
  pollCommands: () => ({ handler: commands.GET, request: { path: "/api/v1/agents/commands?waitSeconds=0" } }),
  recordCommandResult: () => ({
    handler: commandResult.POST,
    request: { method: "POST", params: { id: "none" }, body: { status: "succeeded", output: {}, error: null, agentEpoch: 1 } },
  }),
  renewPrimaryLease: () => ({ handler: primaryLease.POST, request: { method: "POST", body: { role: "standby", readOnly: true, witnesses: [] } } }),
  commandKey: () => ({ handler: commandKey.GET, request: {} }),
  listAgents: () => ({ handler: agents.GET, request: {} }),
  listRegions: () => ({ handler: regions.GET, request: {} }),
  fleetOverview: () => ({ handler: fleet.GET, request: {} }),
  metrics: () => ({ handler: metricsRoute.GET, request: {} }),
  regionMatrix: () => ({ handler: regionMatrix.GET, request: {} }),
  getWriteRoute: () => ({ handler: writeRoute.GET, request: { params: { id: "orders-db" } } }),
  serviceLag: () => ({ handler: serviceLag.GET, request: { path: "/api/v1/services/orders-db/lag?range=15m", params: { id: "orders-db" } } }),
  serviceAutomation: () => ({ handler: serviceAutomation.GET, request: { params: { id: "orders-db" } } }),
  acknowledgeFailover: () => ({ handler: acknowledgeFailover.POST, request: { method: "POST", params: { id: "orders-db" }, body: { note: "checked the new primary" } } }),
  listAutomationPauses: () => ({ handler: automationPauses.GET, request: {} }),
  createAutomationPause: async () => {
    await freeOrdersPauseScope();
    return {
      handler: automationPauses.POST,
      request: { method: "POST", body: { scope: "orders-db", reason: "role test pause", expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
    };
  },
  endAutomationPause: async () => ({ handler: endAutomationPause.POST, request: { method: "POST", params: { id: await activePauseId() } } }),
  listRunbooks: () => ({ handler: runbooks.GET, request: {} }),
  startRun: () => ({
    handler: startRun.POST,
    request: { method: "POST", params: { id: "planned-switchover" }, body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "role test" } } },
  }),
  listRuns: () => ({ handler: runs.GET, request: {} }),
  startDrill: async () => {
    // A run an earlier case started would make this one a conflict.
    await db().run.updateMany({ where: { activeForServiceId: "orders-db" }, data: { activeForServiceId: null, status: "aborted" } });
    return { handler: drills.POST, request: { method: "POST", body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "role test" } } } };
  },
  listDrills: () => ({ handler: drills.GET, request: {} }),
  listIncidents: () => ({ handler: incidents.GET, request: {} }),
  declareIncident: async () => {
    await db().incidentService.updateMany({ where: { openForServiceId: "orders-db" }, data: { openForServiceId: null } });
    return { handler: incidents.POST, request: { method: "POST", body: { serviceIds: ["orders-db"], title: "role test", note: "declared by the role test" } } };
  },
  getIncident: async () => ({ handler: incidentById.GET, request: { params: { id: await incidentId("investigating") } } }),
  updateIncidentStatus: async () => ({ handler: incidentStatus.POST, request: { method: "POST", params: { id: await incidentId("investigating") }, body: { status: "identified", note: "role test" } } }),
  changeIncidentRoles: async () => ({ handler: incidentRoles.POST, request: { method: "POST", params: { id: await incidentId("investigating") }, body: { addResponders: ["viewer@example.com"] } } }),
  getIncidentReview: async () => ({ handler: incidentReview.GET, request: { params: { id: await incidentId("resolved", true) } } }),
  saveIncidentReview: async () => ({ handler: incidentReview.POST, request: { method: "POST", params: { id: await incidentId("resolved") }, body: { markdown: "# Review", baseVersion: 0 } } }),
  draftIncidentReview: async () => ({ handler: incidentReviewDraft.POST, request: { method: "POST", params: { id: await incidentId("resolved") } } }),
  exportIncidentReview: async () => ({ handler: incidentReviewExport.GET, request: { params: { id: await incidentId("resolved", true) } } }),
  getDrill: async () => {
    const drill = await db().drill.create({ data: { serviceId: "orders-db", runbookId: "planned-switchover", params: { service: "orders-db" }, switchBack: false, status: "aborted" } });
    return { handler: drillById.GET, request: { params: { id: drill.id } } };
  },
  approveDrill: async () => ({ handler: approveDrill.POST, request: { method: "POST", params: { id: await awaitingDrillFixture() }, body: { note: "role test" } } }),
  rejectDrill: async () => ({ handler: rejectDrill.POST, request: { method: "POST", params: { id: await awaitingDrillFixture() }, body: { note: "role test" } } }),
  createDrillSchedule: () => ({
    handler: drillSchedules.POST,
    request: { method: "POST", body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "role test" }, everyDays: 7, firstDueAt: "2099-01-01T00:00:00Z" } },
  }),
  listDrillSchedules: () => ({ handler: drillSchedules.GET, request: {} }),
  disableDrillSchedule: async () => {
    const schedule = await db().drillSchedule.create({
      data: { serviceId: "orders-db", runbookId: "planned-switchover", params: { service: "orders-db" }, switchBack: true, everyDays: 7, inMaintenanceWindow: true, nextDueAt: new Date("2099-01-01T00:00:00Z") },
    });
    return { handler: disableDrillSchedule.POST, request: { method: "POST", params: { id: schedule.id }, body: { reason: "role test" } } };
  },
  recoveryHistory: () => ({ handler: recoveryHistory.GET, request: { params: { id: "orders-db" } } }),
  getRun: async () => ({ handler: getRun.GET, request: { params: { id: (await runFixture()).id } } }),
  confirmStep: async () => ({ handler: confirmStep.POST, request: { method: "POST", params: { id: (await runFixture()).id, stepId: "decide" }, body: {} } }),
  approveStep: async () => ({
    handler: approveStep.POST,
    request: { method: "POST", params: { id: (await runFixture({ stepKind: "approval" })).id, stepId: "decide" }, body: { note: "ok" } },
  }),
  rejectStep: async () => ({
    handler: rejectStep.POST,
    request: { method: "POST", params: { id: (await runFixture({ stepKind: "approval" })).id, stepId: "decide" }, body: { note: "no" } },
  }),
  pauseRun: async () => ({ handler: pauseRun.POST, request: { method: "POST", params: { id: (await runFixture()).id }, body: { reason: "hold on" } } }),
  resumeRun: async () => ({ handler: resumeRun.POST, request: { method: "POST", params: { id: (await runFixture({ status: "paused" })).id }, body: { reason: "go on" } } }),
  abortRun: async () => ({ handler: abortRun.POST, request: { method: "POST", params: { id: (await runFixture()).id }, body: { reason: "stop it" } } }),
  cancelRun: async () => ({ handler: cancelRun.POST, request: { method: "POST", params: { id: (await runFixture({ status: "scheduled" })).id }, body: { reason: "not tonight" } } }),
  listPlans: () => ({ handler: plans.GET, request: {} }),
  createPlan: async () => {
    await endActivePlans();
    return { handler: plans.POST, request: { method: "POST", body: { regionId: "aws:us-east-1", services: ["orders-db"], reason: "role test evacuation" } } };
  },
  getPlan: async () => ({ handler: getPlan.GET, request: { params: { id: (await planFixture("running")).id } } }),
  pausePlan: async () => ({ handler: pausePlan.POST, request: { method: "POST", params: { id: (await planFixture("running")).id }, body: { reason: "hold on" } } }),
  resumePlan: async () => ({ handler: resumePlan.POST, request: { method: "POST", params: { id: (await planFixture("paused")).id }, body: { reason: "go on" } } }),
  abortPlan: async () => ({ handler: abortPlan.POST, request: { method: "POST", params: { id: (await planFixture("running")).id }, body: { reason: "stop it" } } }),
  cancelPlan: async () => ({ handler: cancelPlan.POST, request: { method: "POST", params: { id: (await planFixture("scheduled")).id }, body: { reason: "not tonight" } } }),
  approvePlan: async () => ({ handler: approvePlan.POST, request: { method: "POST", params: { id: await awaitingPlanDrillFixture() }, body: { note: "role test" } } }),
  rejectPlan: async () => ({ handler: rejectPlan.POST, request: { method: "POST", params: { id: await awaitingPlanDrillFixture() }, body: { note: "role test" } } }),
  getServicePolicy: () => ({ handler: servicePolicy.GET, request: { params: { id: "orders-db" } } }),
  listPolicies: () => ({ handler: policies.GET, request: {} }),
  listPolicyVersions: () => ({ handler: policyVersions.GET, request: { params: { id: "service:orders-db" } } }),
  applyEmergencyChange: async () => ({
    handler: emergencyChange.POST,
    request: { method: "POST", params: { id: "service:orders-db" }, body: { document: await ordersPolicy((d) => d.maintenanceWindows.push(freshWindow())), reason: "role test" } },
  }),
  reviewEmergencyChange: async () => ({
    handler: emergencyReview.POST,
    request: { method: "POST", params: { id: await emergencyVersionFixture("policy-operator@example.com") }, body: { note: "reviewed" } },
  }),
  previewChangeRequest: async () => ({
    handler: changeRequestPreview.POST,
    request: { method: "POST", body: { serviceId: "orders-db", document: await ordersPolicy((d) => (d.alerts.forSeconds += 1)), reason: "role test" } },
  }),
  createChangeRequest: async () => ({
    handler: changeRequests.POST,
    request: { method: "POST", body: { serviceId: "orders-db", document: await ordersPolicy((d) => (d.alerts.forSeconds += 1)), reason: "role test" } },
  }),
  listChangeRequests: () => ({ handler: changeRequests.GET, request: { path: "/api/v1/change-requests?status=open&serviceId=orders-db" } }),
  getChangeRequest: async () => ({ handler: changeRequestById.GET, request: { params: { id: await changeRequestFixture("policy-requester@example.com") } } }),
  approveChangeRequest: async () => ({
    handler: approveChangeRequest.POST,
    request: { method: "POST", params: { id: await changeRequestFixture("policy-requester@example.com") }, body: { comment: "fine" } },
  }),
  rejectChangeRequest: async () => ({
    handler: rejectChangeRequest.POST,
    request: { method: "POST", params: { id: await changeRequestFixture("policy-requester@example.com") }, body: { reason: "not now" } },
  }),
  // Only the requester rebases, and only a stale request: the admin's own request, overtaken by an emergency change.
  rebaseChangeRequest: async () => {
    const id = await changeRequestFixture("admin@example.com");
    await emergencyVersionFixture("policy-operator@example.com");
    return { handler: rebaseChangeRequest.POST, request: { method: "POST", params: { id } } };
  },
  planRunbook: () => ({
    handler: runbookPlan.POST,
    request: { method: "POST", params: { id: "planned-switchover" }, body: { params: { service: "orders-db", to_region: "aws:eu-west-1", reason: "role test" } } },
  }),
  registerAgent: async () => ({
    handler: agents.POST,
    request: { method: "POST", body: { replicaId: await spareReplicaId(), name: `agent-${Math.random().toString(36).slice(2, 8)}` } },
  }),
  rotateAgentToken: ({ agentId }) => ({ handler: agentToken.POST, request: { method: "POST", params: { id: agentId } } }),
  revokeAgent: async () => {
    const { agent } = await registerAgent({ replicaId: await spareReplicaId(), name: `agent-${Math.random().toString(36).slice(2, 8)}` }, SYSTEM_ACTOR);
    return { handler: agentRevoke.POST, request: { method: "POST", params: { id: agent.id } } };
  },
  commandKeyStatus: () => ({ handler: commandKeys.GET, request: {} }),
  startKeyRotation: async () => {
    await rotationInProgress(false);
    return { handler: keyRotation.POST, request: { method: "POST", body: { reason: "role test" } } };
  },
  completeKeyRotation: async () => {
    await rotationInProgress(true);
    return { handler: completeKeyRotation.POST, request: { method: "POST", body: { reason: "role test", force: true } } };
  },
  cancelKeyRotation: async () => {
    await rotationInProgress(true);
    return { handler: cancelKeyRotation.POST, request: { method: "POST", body: { reason: "role test" } } };
  },
  issueEnrollmentToken: async () => ({ handler: enrollmentTokens.POST, request: { method: "POST", params: { id: await spareReplicaId() }, body: {} } }),
  enrollAgent: () => ({ handler: enroll.POST, request: { method: "POST", body: {} } }),
  agentConfig: () => ({ handler: agentConfig.GET, request: {} }),
  listAlerts: () => ({ handler: alerts.GET, request: { path: "/api/v1/alerts?state=pending,firing" } }),
  acknowledgeAlert: async () => ({ handler: acknowledgeAlert.POST, request: { method: "POST", params: { id: await openAlertId() }, body: { note: "looking into it" } } }),
  alertEscalation: async () => ({ handler: alertEscalation.GET, request: { params: { id: await openAlertId() } } }),
  listOnCallSchedules: () => ({ handler: onCallSchedules.GET, request: {} }),
  createOnCallSchedule: () => ({
    handler: onCallSchedules.POST,
    request: { method: "POST", body: { name: uniqueName(), timeZone: "Europe/Berlin", period: "weekly", startDate: "2026-12-07", handoffTime: "09:00", people: ["target@example.com"] } },
  }),
  getOnCallSchedule: async () => ({ handler: onCallSchedule.GET, request: { params: { id: await freshScheduleId() } } }),
  updateOnCallSchedule: async () => ({ handler: onCallSchedule.PATCH, request: { method: "PATCH", params: { id: await freshScheduleId() }, body: { handoffTime: "10:00" } } }),
  deleteOnCallSchedule: async () => ({ handler: onCallSchedule.DELETE, request: { method: "DELETE", params: { id: await freshScheduleId() } } }),
  createOnCallOverride: async () => ({
    handler: onCallOverrides.POST,
    request: {
      method: "POST",
      params: { id: await freshScheduleId() },
      body: { email: "target@example.com", startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), reason: "covering" },
    },
  }),
  deleteOnCallOverride: async () => ({ handler: onCallOverride.DELETE, request: { method: "DELETE", params: await freshOverride() } }),
  listEscalationPolicies: () => ({ handler: escalationPolicies.GET, request: {} }),
  createEscalationPolicy: () => ({
    handler: escalationPolicies.POST,
    request: { method: "POST", body: { name: uniqueName(), levels: [{ timeoutMinutes: 5, targets: [{ type: "user", email: "target@example.com" }] }] } },
  }),
  updateEscalationPolicy: async () => ({ handler: escalationPolicy.PATCH, request: { method: "PATCH", params: { id: await freshEscalationPolicyId() }, body: { name: uniqueName() } } }),
  deleteEscalationPolicy: async () => ({ handler: escalationPolicy.DELETE, request: { method: "DELETE", params: { id: await freshEscalationPolicyId() } } }),
  assignEscalationPolicy: async () => ({ handler: serviceEscalationPolicy.POST, request: { method: "POST", params: { id: "orders-db" }, body: { policyId: await freshEscalationPolicyId() } } }),
  getPagingContact: () => ({ handler: pagingContact.GET, request: {} }),
  setPagingContact: () => ({ handler: pagingContact.POST, request: { method: "POST", body: { format: "alertmanager", url: "https://hooks.example.com/am", timeZone: "Europe/Berlin" } } }),
  deletePagingContact: async ({ tokenId }) => {
    await pagingContactFor(tokenId);
    return { handler: pagingContact.DELETE, request: { method: "DELETE" } };
  },
  listSilences: () => ({ handler: silences.GET, request: {} }),
  createSilence: () => ({
    handler: silences.POST,
    request: { method: "POST", body: { serviceId: "orders-db", endsAt: new Date(Date.now() + 3_600_000).toISOString(), reason: "migrating the standby" } },
  }),
  expireSilence: async () => ({ handler: expireSilence.POST, request: { method: "POST", params: { id: await activeSilenceId() } } }),
  health: () => ({ handler: health.GET, request: {} }),
  openApi: () => ({ handler: openApi.GET, request: {} }),
  statusPage: () => ({ handler: statusPage.GET, request: {} }),
  statusFeed: () => ({ handler: statusFeed.GET, request: {} }),
  listStatusComponents: () => ({ handler: statusComponents.GET, request: {} }),
  putStatusComponents: () => ({ handler: statusComponents.POST, request: { method: "POST", body: { components: [{ name: "Orders", services: ["orders-db"] }] } } }),
  listServices: () => ({ handler: services.GET, request: {} }),
  listUsers: () => ({ handler: users.GET, request: {} }),
  createUser: () => ({ handler: users.POST, request: { method: "POST", body: { email: `u${Math.random()}@example.com`, password: "a-long-enough-password", roles: ["viewer"] } } }),
  updateUser: ({ targetUserId }) => ({ handler: userById.PATCH, request: { method: "PATCH", params: { id: targetUserId }, body: { name: "Renamed" } } }),
  resetPassword: async () => ({
    handler: userPassword.POST,
    request: { method: "POST", params: { id: (await createTestUser(`forgetful-${uniqueName()}@example.com`, ["viewer"])).id }, body: { newPassword: "a-fresh-password-1" } },
  }),
  // Every role's account has the default test password.
  changeOwnPassword: () => ({ handler: ownPassword.POST, request: { method: "POST", body: { currentPassword: "test-password-1234", newPassword: "a-changed-password-1" } } }),
  listRoleGrants: () => ({ handler: roleGrants.GET, request: { path: "/api/v1/role-grants?status=pending" } }),
  approveRoleGrant: async () => ({ handler: approveRoleGrant.POST, request: { method: "POST", params: { id: await pendingGrantId() }, body: { note: "checked with their manager" } } }),
  rejectRoleGrant: async () => ({ handler: rejectRoleGrant.POST, request: { method: "POST", params: { id: await pendingGrantId() }, body: { reason: "not this team" } } }),
  issueToken: () => ({ handler: tokens.POST, request: { method: "POST", body: { email: "target@example.com", password: "target-password-1", scopes: ["read"] } } }),
  listTokens: () => ({ handler: tokens.GET, request: {} }),
  createOwnToken: () => ({ handler: ownTokens.POST, request: { method: "POST", body: { name: "mine", scopes: ["read"] } } }),
  revokeToken: ({ tokenId }) => ({ handler: tokenById.DELETE, request: { method: "DELETE", params: { id: tokenId } } }),
  verifyAudit: () => ({ handler: auditVerify.GET, request: {} }),
  listAuditEvents: () => ({ handler: auditEvents.GET, request: { path: "/api/v1/audit?action=user.create&limit=5" } }),
  getAuditEvent: () => ({ handler: auditEvent.GET, request: { params: { seq: "1" } } }),
  replayAutomationDecision: async () => ({ handler: decisionReplay.GET, request: { params: { seq: await recordedDecisionSeq() } } }),
  // No row matches, so the (JSON-parsing) test client reads an empty body.
  exportAuditEvents: () => ({ handler: auditExport.GET, request: { path: "/api/v1/audit/export?format=jsonl&actor=nobody-at-all" } }),
  auditCheckpoint: () => ({ handler: auditCheckpoint.GET, request: {} }),
  auditCheckpointKey: () => ({ handler: auditCheckpointKey.GET, request: {} }),
  // The live topology itself: a plan that changes nothing, an apply that applies nothing.
  planTopology: async () => ({ handler: topologyPlan.POST, request: { method: "POST", body: { document: await liveFleetDocument() } } }),
  applyTopology: async () => ({ handler: topologyApply.POST, request: { method: "POST", body: { document: await liveFleetDocument(), reason: "role test" } } }),
  exportTopology: () => ({ handler: topologyExport.GET, request: { path: "/api/v1/topology/export?format=json" } }),
  topologyRules: () => ({ handler: topologyRules.GET, request: {} }),
  fleetDocumentJsonSchema: () => ({ handler: fleetJsonSchema.GET, request: {} }),
  createRegion: () => ({ handler: regions.POST, request: { method: "POST", body: { cloud: "test", code: uniqueName(), jurisdiction: "EU", displayName: "Role test", reason: "role test" } } }),
  updateRegion: () => ({ handler: regionById.PATCH, request: { method: "PATCH", params: { id: "aws:us-east-1" }, body: { displayName: `N. Virginia ${uniqueName()}`, reason: "role test" } } }),
  createService: () => ({
    handler: services.POST,
    request: {
      method: "POST",
      body: {
        service: { id: uniqueName(), name: "Role test", engine: "postgresql", primary: "a", datasets: [], replicas: [{ name: "a", region: "aws:us-east-1", host: `${uniqueName()}.test`, port: 5432, database: "x", replication: "async" }] },
        reason: "role test",
      },
    },
  }),
  updateService: () => ({ handler: serviceById.PATCH, request: { method: "PATCH", params: { id: "orders-db" }, body: { description: `role test ${uniqueName()}`, reason: "role test" } } }),
  addReplica: () => ({
    handler: replicas.POST,
    request: { method: "POST", params: { id: "orders-db" }, body: { name: uniqueName(), region: "aws:eu-west-1", host: `${uniqueName()}.test`, port: 5432, database: "orders", replication: "async", reason: "role test" } },
  }),
  updateReplica: () => ({ handler: replicaByName.PATCH, request: { method: "PATCH", params: { id: "orders-db", name: "pg-europe-west3" }, body: { promotionPriority: 51, reason: "role test" } } }),
  retireReplica: async () => {
    const spare = await db().replica.findUniqueOrThrow({ where: { id: await spareReplicaId() } });
    return { handler: retireReplica.POST, request: { method: "POST", params: { id: "orders-db", name: spare.name }, body: { reason: "role test" } } };
  },
  addDataset: () => ({
    handler: datasets.POST,
    request: { method: "POST", params: { id: "orders-db" }, body: { name: uniqueName(), ownerTeam: "roles", consistency: "eventual", rpoSeconds: 60, rtoSeconds: 600, reason: "role test" } },
  }),
  updateDataset: () => ({ handler: datasetByName.PATCH, request: { method: "PATCH", params: { id: "orders-db", name: "order-history" }, body: { ownerTeam: `analytics-${uniqueName()}`, reason: "role test" } } }),
  retireDataset: async () => {
    const dataset = await db().dataset.create({ data: { serviceId: "orders-db", name: uniqueName(), ownerTeam: "roles", consistency: "eventual", rpoSeconds: 60, rtoSeconds: 600 } });
    return { handler: retireDataset.POST, request: { method: "POST", params: { id: "orders-db", name: dataset.name }, body: { reason: "role test" } } };
  },
  // A fresh service none of whose replicas ever had an agent, and a fresh empty region: both retired directly.
  retireService: async () => {
    const id = uniqueName();
    await db().service.create({ data: { id, name: "Role test", engine: "postgresql" } });
    const replica = await db().replica.create({
      data: { serviceId: id, regionId: "aws:us-east-1", name: "a", role: "primary", engine: "postgresql", host: `${id}.test`, port: 5432, databaseName: "x", replication: "async" },
    });
    // A write route, as every live service has: the topology judges each live service by its primary.
    await db().service.update({ where: { id }, data: { writeReplicaId: replica.id } });
    return { handler: retireService.POST, request: { method: "POST", params: { id }, body: { reason: "role test" } } };
  },
  retireRegion: async () => {
    const code = uniqueName();
    await db().region.create({ data: { id: `test:${code}`, cloud: "test", code, jurisdiction: "EU", displayName: "Role test" } });
    return { handler: retireRegion.POST, request: { method: "POST", params: { id: `test:${code}` }, body: { reason: "role test" } } };
  },
  // The test store is a primary without standbys: a cluster of one, which discovery accepts.
  discoverTopology: () => ({ handler: discover.POST, request: { method: "POST", body: { primaryUrl: superuserDatabaseUrl() } } }),
};

/** A command-key rotation started or not, so that the rotation's steps have something to act on. */
async function rotationInProgress(wanted: boolean): Promise<void> {
  const { next } = await commandKeyStatus();
  if (wanted && !next) await startKeyRotation(SYSTEM_ACTOR, "role test");
  if (!wanted && next) await cancelKeyRotationNow(SYSTEM_ACTOR, "role test");
}

/** A fresh lower-case name, so every allowed call changes something new. */
function uniqueName(): string {
  return `t${Math.random().toString(36).slice(2, 10)}`;
}

const tokenOf = new Map<Role, string>();
let targetUserId: string;
let agentId: string;

beforeAll(async () => {
  await seedDemoTopology(db());
  agentId = (await registerAgent({ replicaId: await spareReplicaId(), name: "rotated-agent" }, SYSTEM_ACTOR)).agent.id;
  targetUserId = (await createTestUser("target@example.com", ["viewer"], "target-password-1")).id;
  // Two admins, so that demoting one never trips the last-admin guard.
  await createTestUser("other-admin@example.com", ["admin"]);
  // Change requests and emergency versions whose author is none of the callers.
  await createTestUser("policy-requester@example.com", ["admin"]);
  await createTestUser("policy-operator@example.com", ["operator"]);
  for (const role of ROLES) tokenOf.set(role, await tokenFor((await createTestUser(`${role}@example.com`, [role])).id));
});

describe("every role × every API operation, through the real handlers", () => {
  for (const [id, op] of Object.entries(OPERATIONS) as [OperationId, (typeof OPERATIONS)[OperationId]][]) {
    if (op.access === "public") {
      it(`${op.method} ${op.path} answers without credentials`, async () => {
        const { handler, request } = await CASES[id]({ targetUserId, tokenId: "none", agentId });
        const { status } = await call(handler, request);
        expect([200, 201]).toContain(status);
      });
      continue;
    }

    it(`${op.method} ${op.path} without credentials → 401`, async () => {
      const { handler, request } = await CASES[id]({ targetUserId, tokenId: "none", agentId });
      const { status, json } = await call(handler, request);
      expect(status).toBe(401);
      expect(json.error.code).toBe("unauthenticated");
    });

    if (op.access === "agent" || op.access === "enrollment-token") {
      for (const role of ROLES) {
        it(`${op.method} ${op.path} as ${role} → 401 (a person's token is not an ${op.access === "agent" ? "agent's" : "enrollment"} token)`, async () => {
          const { handler, request } = await CASES[id]({ targetUserId, tokenId: "none", agentId });
          const written = () => Promise.all([db().sample.count(), db().agent.count(), db().auditEvent.count()]);
          const before = await written();
          expect((await call(handler, { ...request, token: tokenOf.get(role) })).status).toBe(401);
          expect(await written()).toEqual(before);
        });
      }
      continue;
    }
    const access = op.access;

    for (const role of ROLES) {
      const allowed = hasPermission([role], access);
      // What no token may do (issue tokens) is asked for from a session.
      const sessionOnly = PERMISSION_SCOPES[access].length === 0;
      it(`${op.method} ${op.path} as ${role}${sessionOnly ? " (signed in)" : ""} → ${allowed ? "allowed" : "403"}`, async () => {
        const token = tokenOf.get(role)!;
        // The token this role's requests carry (tokenFor names it "test"), not one an earlier case created for the same person.
        const mine = await db().apiToken.findFirstOrThrow({ where: { user: { email: `${role}@example.com` }, name: "test", revokedAt: null } });
        const { handler, request } = await CASES[id]({ targetUserId, tokenId: mine.id, agentId });
        const auditBefore = await db().auditEvent.count();
        const credentials = sessionOnly ? await consoleSession(mine.userId) : { token };
        const { status, json } = await call(handler, { ...request, ...credentials });
        if (allowed) {
          expect(status, JSON.stringify(json)).toBe(op.success.status);
        } else {
          expect(status).toBe(403);
          expect(json.error.code).toBe("forbidden");
          expect(json.error.message).toContain(access);
          expect(await db().auditEvent.count()).toBe(auditBefore);
        }
        // Revoking a token, or changing one's password, ends the caller's token.
        if ((id === "revokeToken" || id === "changeOwnPassword") && allowed) {
          tokenOf.set(role, await tokenFor(mine.userId));
        }
      });
    }
  }
});

describe("role changes", () => {
  it("take effect on the next request, not when a session ends; admin only once a second admin approves", async () => {
    const user = await createTestUser("promoted@example.com", ["viewer"]);
    const cookie = await sessionCookieFor(user.id);
    expect((await call(users.GET, { cookie })).status).toBe(403);
    const asked = await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: user.id }, body: { roles: ["viewer", "admin"] } });
    expect(asked.json).toMatchObject({ roles: ["viewer"], pendingGrants: [{ roles: ["admin"], status: "pending", requester: "admin@example.com" }] });
    expect((await call(users.GET, { cookie })).status).toBe(403);
    const otherAdmin = await tokenFor((await db().user.findUniqueOrThrow({ where: { email: "other-admin@example.com" } })).id, { scopes: ["admin"] });
    const approved = await call(approveRoleGrant.POST, { method: "POST", token: otherAdmin, params: { id: asked.json.pendingGrants[0].id }, body: {} });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    // The grant ended the user's sessions: they sign in again to use it.
    expect((await call(users.GET, { cookie })).status).toBe(401);
    expect((await call(users.GET, { cookie: await sessionCookieFor(user.id) })).status).toBe(200);
  });

  it("never leave Switchyard without an active admin", async () => {
    await db().user.updateMany({ where: { roles: { has: "admin" }, email: { notIn: ["admin@example.com"] } }, data: { roles: ["viewer"] } });
    const admin = await db().user.findUniqueOrThrow({ where: { email: "admin@example.com" } });
    const demote = await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: admin.id }, body: { roles: ["viewer"] } });
    expect(demote.status).toBe(409);
    expect(demote.json.error.message).toMatch(/last active admin/);
    const disable = await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: admin.id }, body: { disabled: true } });
    expect(disable.status).toBe(409);
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).roles).toEqual(["admin"]);
  });
});

describe("roles limited to services, through every per-service operation of the table", () => {
  const limitedToken = new Map<string, string>();
  const tokenLimitedTo = (role: string, serviceId: string) => limitedToken.get(`${role}@${serviceId}`)!;

  beforeAll(async () => {
    // A second live service, so a limit can name somewhere else.
    await db().service.create({ data: { id: "other-db", name: "Another service", engine: "postgresql" } });
    for (const role of SCOPABLE_ROLES) {
      for (const serviceId of ["orders-db", "other-db"]) {
        const user = await createTestUser(`${role}-on-${serviceId}@example.com`, [role]);
        const limit = await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: user.id }, body: { serviceScopes: { [role]: [serviceId] } } });
        expect(limit.status, JSON.stringify(limit.json)).toBe(200);
        expect(limit.json.serviceScopes).toEqual({ [role]: [serviceId] });
        limitedToken.set(`${role}@${serviceId}`, await tokenFor(user.id));
      }
    }
  });

  /** Whatever an earlier case left active on orders-db (a run, a pause) would make the next one a conflict. */
  async function freeOrdersDb() {
    await freeOrdersPauseScope();
    await db().run.updateMany({ where: { activeForServiceId: "orders-db" }, data: { activeForServiceId: null, status: "aborted" } });
  }

  const perService = (Object.entries(OPERATIONS) as [OperationId, (typeof OPERATIONS)[OperationId]][]).filter(
    ([, op]) => op.access !== "public" && op.access !== "agent" && op.access !== "enrollment-token" && PERMISSION_REACH[op.access] === "service",
  );

  it("are every operation whose permission acts per service", () => expect(perService.length).toBe(44));

  for (const [id, op] of perService) {
    const access = op.access as keyof typeof PERMISSION_REACH;
    const role = SCOPABLE_ROLES.find((candidate) => hasPermission([candidate], access))!;
    // A region evacuation acts on many services at once: a role limited to some may not start or control one.
    const severalServices = "target" in op && op.target === "several-services";

    it(`${op.method} ${op.path}: an ${role} limited to another service → 403, and nothing is written`, async () => {
      await freeOrdersDb();
      const { handler, request } = await CASES[id]({ targetUserId, tokenId: "none", agentId });
      const auditBefore = await db().auditEvent.count();
      const { status, json } = await call(handler, { ...request, token: tokenLimitedTo(role, "other-db") });
      expect(status, JSON.stringify(json)).toBe(403);
      expect(json.error.message).toBe(
        severalServices
          ? `Your ${role} role is limited to the services other-db; ${access} on the fleet as a whole needs the role fleet-wide.`
          : `Your ${role} role is limited to the services other-db; this acts on the service orders-db.`,
      );
      expect(await db().auditEvent.count()).toBe(auditBefore);
    });

    it(`${op.method} ${op.path}: an ${role} limited to orders-db → ${severalServices ? "403 (it acts on several services)" : "allowed"}`, async () => {
      await freeOrdersDb();
      const { handler, request } = await CASES[id]({ targetUserId, tokenId: "none", agentId });
      const auditBefore = await db().auditEvent.count();
      const { status, json } = await call(handler, { ...request, token: tokenLimitedTo(role, "orders-db") });
      if (!severalServices) return expect(status, JSON.stringify(json)).toBe(op.success.status);
      expect(status, JSON.stringify(json)).toBe(403);
      expect(await db().auditEvent.count()).toBe(auditBefore);
    });
  }

  it("a limited operator cannot pause automation for the whole fleet; a fleet-wide one can", async () => {
    await db().automationPause.updateMany({ where: { activeScope: "global" }, data: { activeScope: null, endedAt: new Date(), endedBy: "role test" } });
    const body = { scope: "global", reason: "fleet-wide pause", expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    const limited = await call(automationPauses.POST, { method: "POST", token: tokenLimitedTo("operator", "orders-db"), body });
    expect(limited.status).toBe(403);
    expect(limited.json.error.message).toMatch(/limited to the services orders-db; automation:control on the fleet as a whole needs the role fleet-wide/);
    expect((await call(automationPauses.POST, { method: "POST", token: tokenOf.get("operator"), body })).status).toBe(201);
  });

  it("a limited operator cannot silence alerts across services (by rule or labels only); a fleet-wide one can", async () => {
    const body = { ruleId: "lag-above-budget", endsAt: new Date(Date.now() + 3_600_000).toISOString(), reason: "fleet-wide network change" };
    const limited = await call(silences.POST, { method: "POST", token: tokenLimitedTo("operator", "orders-db"), body });
    expect(limited.status).toBe(403);
    expect(limited.json.error.message).toMatch(/limited to the services orders-db; alerts:silence on the fleet as a whole needs the role fleet-wide/);
    expect((await call(silences.POST, { method: "POST", token: tokenOf.get("operator"), body })).status).toBe(201);
  });

  it("a limited approver cannot approve a change to the global policy", async () => {
    const global = await globalPolicy();
    const document = structuredClone(global!.document);
    document.alerts.forSeconds += 7;
    const request = await createChangeRequest(await actorOf("policy-requester@example.com"), { serviceId: null, document, reason: "global change", expiresInHours: 72 });
    const refused = await call(approveChangeRequest.POST, { method: "POST", token: tokenLimitedTo("approver", "orders-db"), params: { id: request.id }, body: { comment: "fine" } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/policies:approve on the fleet as a whole/);
  });

  it("still read the whole fleet", async () => {
    const token = tokenLimitedTo("operator", "other-db");
    expect((await call(serviceById.GET, { token, params: { id: "orders-db" } })).status).toBe(200);
    expect((await call(runs.GET, { token })).status).toBe(200);
  });

  it("apply at once when an admin changes them, and lift with `{}`", async () => {
    const user = await db().user.findUniqueOrThrow({ where: { email: "operator-on-other-db@example.com" } });
    const token = tokenLimitedTo("operator", "other-db");
    await freeOrdersDb();
    const { handler, request } = await CASES.pauseRun({ targetUserId, tokenId: "none", agentId });
    expect((await call(handler, { ...request, token })).status).toBe(403);
    expect((await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: user.id }, body: { serviceScopes: {} } })).status).toBe(200);
    expect((await call(handler, { ...request, token })).status).toBe(200);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.update", targetId: user.id }, orderBy: { seq: "desc" } });
    expect(audit.before).toMatchObject({ serviceScopes: { operator: ["other-db"] } });
    expect(audit.after).toMatchObject({ serviceScopes: {} });
    await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: user.id }, body: { serviceScopes: { operator: ["other-db"] } } });
  });

  it("are refused for a role the user does not hold, a role that cannot be limited, or a service that does not exist, writing nothing", async () => {
    const user = await db().user.findUniqueOrThrow({ where: { email: "operator-on-other-db@example.com" } });
    for (const [serviceScopes, field] of [
      [{ approver: ["orders-db"] }, "serviceScopes.approver"],
      [{ admin: ["orders-db"] }, "serviceScopes"],
      [{ operator: ["no-such-db"] }, "serviceScopes.operator"],
      [{ operator: [] }, "serviceScopes.operator"],
    ] as const) {
      const auditBefore = await db().auditEvent.count();
      const { status, json } = await call(userById.PATCH, { method: "PATCH", token: tokenOf.get("admin"), params: { id: user.id }, body: { serviceScopes } });
      expect(status, JSON.stringify(serviceScopes)).toBe(400);
      expect(json.error.field).toBe(field);
      expect(await db().auditEvent.count()).toBe(auditBefore);
    }
    expect((await db().roleScope.findMany({ where: { userId: user.id } })).map((row) => row.serviceIds)).toEqual([["other-db"]]);
  });
});
