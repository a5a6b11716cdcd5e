import type { Role } from "../access/permissions";
import { describeGrant } from "../access/role-grants";
import type { ServiceScopes } from "../access/service-scopes";
import type { AlertSeverity, Detection } from "./alert-rules";

/** How long a break-glass sign-in keeps its alert firing: a day, so that the next shift sees it too. */
export const BREAK_GLASS_ALERT_MS = 24 * 3_600_000;

/**
 * What the account rules look at: who became able to approve (or to make
 * approvers) recently, and whose approving account an admin gave a new
 * password, within the approval cool-off window (only for accounts that
 * still hold approver or admin and are enabled); and the password sign-ins
 * made while single sign-on is configured, within BREAK_GLASS_ALERT_MS.
 */
export interface AccountFacts {
  coolOffMs: number;
  grants: { grantId: string; userId: string; email: string; roles: Role[]; serviceScopes: ServiceScopes; at: Date; requester: string | null; decider: string | null; issuer: string | null }[];
  resets: { userId: string; email: string; roles: Role[]; at: Date; by: string }[];
  breakGlass: { auditSeq: string; email: string; at: Date; address: string | null }[];
}

export const ACCOUNT_ALERT_RULE_IDS = ["privileged-grant", "privileged-password-reset", "break-glass-sign-in"] as const;
export type AccountAlertRuleId = (typeof ACCOUNT_ALERT_RULE_IDS)[number];

export interface AccountAlertRule {
  id: AccountAlertRuleId;
  title: string;
  severity: AlertSeverity;
  description: string;
  detect(facts: AccountFacts): Omit<Detection, "ruleId" | "serviceId">[];
}

const until = (at: Date, coolOffMs: number) => new Date(at.getTime() + coolOffMs).toISOString();

function grantedBy(grant: AccountFacts["grants"][number]): string {
  if (grant.issuer) return `by the identity provider ${grant.issuer} (single sign-on claims, no second admin here)`;
  if (!grant.requester) return "from the host (break-glass)";
  return `at the request of ${grant.requester}, approved ${grant.decider ? `by ${grant.decider}` : "from the host (break-glass)"}`;
}

/**
 * Rules about the installation's accounts rather than a service. Each fires
 * at once (there is no blip to wait out) and holds for the cool-off window,
 * so whoever watches the webhooks hears of every new approver or admin and
 * can check it was meant.
 */
export const ACCOUNT_ALERT_RULES: readonly AccountAlertRule[] = [
  {
    id: "privileged-grant",
    title: "Approver or admin granted",
    severity: "warning",
    description:
      "An account was granted approver or admin (two admins, or the host, agreed) within the approval cool-off window: check the grant was meant. Until the window ends the account cannot approve the changes of the admins who granted it.",
    detect(facts) {
      return facts.grants.map((grant) => ({
        subject: { key: `grant:${grant.grantId}`, label: grant.email, replicaId: null },
        sentence:
          `${grant.email} was granted ${describeGrant(grant)} at ${grant.at.toISOString()} ` +
          grantedBy(grant) +
          `; cool-off until ${until(grant.at, facts.coolOffMs)}`,
      }));
    },
  },
  {
    id: "privileged-password-reset",
    title: "Approver's or admin's password reset",
    severity: "warning",
    description:
      "An admin gave an approver or admin a new password within the approval cool-off window, and so could sign in as them: check it was asked for. Until the window ends the account cannot approve that admin's changes.",
    detect(facts) {
      return facts.resets.map((reset) => ({
        subject: { key: `password-reset:${reset.userId}:${reset.at.getTime()}`, label: reset.email, replicaId: null },
        sentence: `${reset.by} reset the password of ${reset.email} (${reset.roles.join(", ")}) at ${reset.at.toISOString()}; cool-off until ${until(reset.at, facts.coolOffMs)}`,
      }));
    },
  },
  {
    id: "break-glass-sign-in",
    title: "Break-glass sign-in",
    severity: "warning",
    description:
      "A local account signed in with its password while single sign-on is configured: the identity provider's controls (MFA, offboarding) did not apply to it. Check it was an emergency; the alert stays firing for a day.",
    detect(facts) {
      return facts.breakGlass.map((signIn) => ({
        subject: { key: `break-glass:${signIn.auditSeq}`, label: signIn.email, replicaId: null },
        sentence:
          `${signIn.email} signed in with a local password at ${signIn.at.toISOString()}${signIn.address ? ` from ${signIn.address}` : ""} while single sign-on is configured ` +
          `(audit event #${signIn.auditSeq}); firing until ${until(signIn.at, BREAK_GLASS_ALERT_MS)}`,
      }));
    },
  },
];

/** Every account rule: the conditions that hold now, about no service. */
export function detectAccountAlerts(facts: AccountFacts): Detection[] {
  return ACCOUNT_ALERT_RULES.flatMap((rule) => rule.detect(facts).map((detection) => ({ ...detection, ruleId: rule.id, serviceId: null })));
}
