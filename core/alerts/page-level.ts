import type { AlertSeverity } from "./alert-rules";

/** The severity that pages a person: a firing alert of it opens (or joins) an incident. */
export const PAGE_SEVERITY: AlertSeverity = "critical";

export const isPageLevel = (severity: AlertSeverity): boolean => severity === PAGE_SEVERITY;
