/**
 * How the permission check finds the service an operation acts on, for a
 * role an admin limited to some services. Every operation whose permission
 * is per-service names one (the compiler and a test insist); the server
 * holds one resolver per row.
 */
export const OPERATION_TARGETS = {
  "service-param": "`{id}` is the service.",
  "pause-scope-body": "The body's `scope` is the service, or `global` for the fleet as a whole.",
  "pause-param": "`{id}` is a pause: of its service, or of the fleet when it is global.",
  "run-param": "`{id}` is a run: of the service it runs on.",
  "run-service-body": "The runbook's `service` parameter (`params.service`) is the service.",
  "drill-param": "`{id}` is a drill: of the service it rehearses on.",
  "drill-schedule-param": "`{id}` is a repeating drill: of the service it rehearses on.",
  "alert-param": "`{id}` is an alert: of the service it is about.",
  "silence-body": "The body's `serviceId` is the service; a silence naming none (by rule or labels only) acts on the fleet as a whole.",
  "silence-param": "`{id}` is a silence: of its service, or of the fleet when it names none.",
  "incident-param": "`{id}` is an incident: of its service, or of the fleet when it is about several.",
  "incident-services-body": "The body's `serviceIds` are the services: one service, or the fleet when it names several.",
  "policy-param": "`{id}` is a policy (`global`, `service:<id>`, or its id): of its service, or of the fleet for the global one.",
  "policy-version-param": "`{id}` is a policy version: of its policy's service, or of the fleet for the global policy.",
  "change-request-param": "`{id}` is a change request: of its policy's service or topology scope's service, or of the fleet (the global policy, the regions).",
  "several-services": "The operation acts on several services at once (a region evacuation plan), as on the fleet: a role limited to services may not.",
} as const;

export type OperationTarget = keyof typeof OPERATION_TARGETS;
