import { describe, expect, it } from "vitest";
import { OPERATIONS, type OperationId } from "@/contracts/operations";
import { hasPermission, PERMISSIONS, ROLES, type Role } from "./permissions";

const EVERYONE: Role[] = [...ROLES];

/**
 * Who may call what, written out by hand from the product design rather than
 * derived from the grant table, so that a change to either shows up here.
 */
const EXPECTED: Record<OperationId, Role[] | "public" | "agent" | "enrollment-token"> = {
  health: "public",
  statusPage: "public",
  statusFeed: "public",
  listStatusComponents: EVERYONE,
  putStatusComponents: ["admin"],
  ingestReports: "agent",
  pollCommands: "agent",
  recordCommandResult: "agent",
  renewPrimaryLease: "agent",
  commandKey: EVERYONE,
  getService: EVERYONE,
  listRegions: EVERYONE,
  fleetOverview: EVERYONE,
  metrics: EVERYONE,
  regionMatrix: EVERYONE,
  listAlerts: EVERYONE,
  acknowledgeAlert: ["operator"],
  alertEscalation: EVERYONE,
  listOnCallSchedules: EVERYONE,
  getOnCallSchedule: EVERYONE,
  createOnCallSchedule: ["operator"],
  updateOnCallSchedule: ["operator"],
  deleteOnCallSchedule: ["operator"],
  createOnCallOverride: ["operator"],
  deleteOnCallOverride: ["operator"],
  listEscalationPolicies: EVERYONE,
  createEscalationPolicy: ["operator"],
  updateEscalationPolicy: ["operator"],
  deleteEscalationPolicy: ["operator"],
  assignEscalationPolicy: ["operator"],
  getPagingContact: EVERYONE,
  setPagingContact: EVERYONE,
  deletePagingContact: EVERYONE,
  listSilences: EVERYONE,
  createSilence: ["operator"],
  expireSilence: ["operator"],
  getWriteRoute: EVERYONE,
  serviceLag: EVERYONE,
  serviceAutomation: EVERYONE,
  acknowledgeFailover: ["operator"],
  listAutomationPauses: EVERYONE,
  createAutomationPause: ["operator"],
  endAutomationPause: ["operator"],
  listRunbooks: EVERYONE,
  planRunbook: EVERYONE,
  startRun: ["operator"],
  listRuns: EVERYONE,
  getRun: EVERYONE,
  startDrill: ["operator"],
  listDrills: EVERYONE,
  getDrill: EVERYONE,
  approveDrill: ["approver"],
  rejectDrill: ["approver"],
  createDrillSchedule: ["operator"],
  disableDrillSchedule: ["operator"],
  listDrillSchedules: EVERYONE,
  listIncidents: EVERYONE,
  getIncident: EVERYONE,
  getIncidentReview: EVERYONE,
  exportIncidentReview: EVERYONE,
  declareIncident: ["operator"],
  updateIncidentStatus: ["operator"],
  changeIncidentRoles: ["operator"],
  draftIncidentReview: ["operator"],
  saveIncidentReview: ["operator"],
  recoveryHistory: EVERYONE,
  confirmStep: ["operator"],
  approveStep: ["approver"],
  rejectStep: ["approver"],
  pauseRun: ["operator"],
  resumeRun: ["operator"],
  abortRun: ["operator"],
  cancelRun: ["operator"],
  listPlans: EVERYONE,
  createPlan: ["operator"],
  getPlan: EVERYONE,
  pausePlan: ["operator"],
  resumePlan: ["operator"],
  abortPlan: ["operator"],
  cancelPlan: ["operator"],
  approvePlan: ["approver"],
  rejectPlan: ["approver"],
  getServicePolicy: EVERYONE,
  listPolicies: EVERYONE,
  listPolicyVersions: EVERYONE,
  applyEmergencyChange: ["operator"],
  reviewEmergencyChange: ["approver"],
  previewChangeRequest: ["admin"],
  createChangeRequest: ["admin"],
  listChangeRequests: EVERYONE,
  getChangeRequest: EVERYONE,
  approveChangeRequest: ["approver"],
  rejectChangeRequest: ["approver"],
  rebaseChangeRequest: ["admin"],
  listAgents: EVERYONE,
  registerAgent: ["admin"],
  rotateAgentToken: ["admin"],
  revokeAgent: ["admin"],
  issueEnrollmentToken: ["admin"],
  commandKeyStatus: ["admin"],
  startKeyRotation: ["admin"],
  completeKeyRotation: ["admin"],
  cancelKeyRotation: ["admin"],
  enrollAgent: "enrollment-token",
  agentConfig: "agent",
  openApi: "public",
  issueToken: "public",
  listServices: EVERYONE,
  listUsers: ["admin"],
  createUser: ["admin"],
  updateUser: ["admin"],
  resetPassword: ["admin"],
  changeOwnPassword: EVERYONE,
  listRoleGrants: ["admin"],
  approveRoleGrant: ["admin"],
  rejectRoleGrant: ["admin"],
  listTokens: EVERYONE,
  createOwnToken: EVERYONE,
  revokeToken: EVERYONE,
  verifyAudit: ["auditor", "admin"],
  listAuditEvents: ["auditor", "admin"],
  getAuditEvent: ["auditor", "admin"],
  replayAutomationDecision: ["auditor", "admin"],
  exportAuditEvents: ["auditor", "admin"],
  auditCheckpoint: ["auditor", "admin"],
  auditCheckpointKey: ["auditor", "admin"],
  planTopology: EVERYONE,
  applyTopology: ["admin"],
  exportTopology: EVERYONE,
  topologyRules: EVERYONE,
  fleetDocumentJsonSchema: "public",
  createRegion: ["admin"],
  updateRegion: ["admin"],
  createService: ["admin"],
  updateService: ["admin"],
  addReplica: ["admin"],
  updateReplica: ["admin"],
  retireReplica: ["admin"],
  addDataset: ["admin"],
  updateDataset: ["admin"],
  retireDataset: ["admin"],
  retireService: ["admin"],
  retireRegion: ["admin"],
  discoverTopology: ["admin"],
};

describe("role checks: every role × every API operation", () => {
  for (const [id, op] of Object.entries(OPERATIONS) as [OperationId, (typeof OPERATIONS)[OperationId]][]) {
    const expected = EXPECTED[id];
    if (!Array.isArray(expected)) {
      it(`${op.method} ${op.path} is ${expected === "public" ? "public" : `for ${expected} holders only`}`, () => expect(op.access).toBe(expected));
      continue;
    }
    for (const role of ROLES) {
      const allowed = expected.includes(role);
      it(`${op.method} ${op.path}: ${role} is ${allowed ? "allowed" : "refused (403)"}`, () => {
        if (op.access === "public" || op.access === "agent" || op.access === "enrollment-token") throw new Error(`${id} is ${op.access}`);
        expect(hasPermission([role], op.access)).toBe(allowed);
      });
    }
  }
});

describe("permissions", () => {
  it("grant nothing to a user without roles", () => {
    for (const permission of PERMISSIONS) expect(hasPermission([], permission)).toBe(false);
  });

  it("are the union of a user's roles", () => {
    expect(hasPermission(["viewer"], "audit:read")).toBe(false);
    expect(hasPermission(["viewer", "auditor"], "audit:read")).toBe(true);
  });

  it("are each granted to at least one role", () => {
    for (const permission of PERMISSIONS) expect(ROLES.some((role) => hasPermission([role], permission)), permission).toBe(true);
  });
});
