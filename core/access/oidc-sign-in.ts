import type { Role } from "./permissions";

/** What a verified ID token says about the person. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** An existing account, as far as the decision needs it. */
export interface OidcAccountFacts {
  id: string;
  disabled: boolean;
  oidcIssuer: string | null;
  oidcSubject: string | null;
}

export interface OidcSignInFacts {
  /** The issuer the control plane is configured to trust. */
  trustedIssuer: string;
  identity: OidcIdentity;
  /** The roles the ID token's claims map to. */
  roles: readonly Role[];
  /** The account bound to this issuer and subject, if any. */
  bound: OidcAccountFacts | null;
  /** The account holding the identity's email address, if any. */
  sameEmail: OidcAccountFacts | null;
}

export type OidcSignInVerdict =
  | { kind: "refuse" }
  | { kind: "sign-in-bound" }
  | { kind: "link-local-account" }
  | { kind: "create-account" };

export interface OidcSignInRule {
  id: string;
  when: (facts: OidcSignInFacts) => boolean;
  verdict: OidcSignInVerdict;
  /** For the audit trail and the operators reading it. */
  sentence: string;
  /** For a refused person, on the sign-in page; null when signed in. */
  message: string | null;
}

const ALWAYS = (): boolean => true;

/**
 * First match wins. Ids are stable (audit events and the sign-in page name
 * them). Whatever the verdict, an account bound to the identity takes the
 * mapped roles (see `rolesToStore`), so leaving the provider's group takes
 * the role away at the next sign-in even when that sign-in is refused.
 */
export const OIDC_SIGN_IN_RULES: readonly OidcSignInRule[] = [
  {
    id: "untrusted-issuer",
    when: ({ trustedIssuer, identity }) => identity.issuer !== trustedIssuer,
    verdict: { kind: "refuse" },
    sentence: "The ID token was issued by another issuer than the one configured.",
    message: "Single sign-on failed: the identity provider is not the one Switchyard trusts.",
  },
  {
    id: "account-disabled",
    when: ({ bound, sameEmail, identity }) => (bound ? bound.disabled : identity.emailVerified && sameEmail?.disabled === true),
    verdict: { kind: "refuse" },
    sentence: "The Switchyard account of this identity is disabled.",
    message: "Your Switchyard account is disabled. Ask a Switchyard administrator.",
  },
  {
    id: "no-mapped-role",
    when: ({ roles }) => roles.length === 0,
    verdict: { kind: "refuse" },
    sentence: "The identity's claims map to no Switchyard role.",
    message: "Your account at the identity provider is in no group that grants a Switchyard role. Ask its administrator to add you to one.",
  },
  {
    id: "bound-account",
    when: ({ bound }) => bound !== null,
    verdict: { kind: "sign-in-bound" },
    sentence: "Signed in to the account bound to this identity, with the roles its claims map to.",
    message: null,
  },
  {
    id: "unverified-email",
    when: ({ identity }) => !identity.email || !identity.emailVerified,
    verdict: { kind: "refuse" },
    sentence: "No account is bound to this identity and the provider asserted no verified email to find or create one by.",
    message: "Your identity provider did not confirm an email address for you, so Switchyard cannot find or create your account.",
  },
  {
    id: "email-bound-elsewhere",
    when: ({ sameEmail }) => sameEmail?.oidcSubject != null,
    verdict: { kind: "refuse" },
    sentence: "The account with this email address is bound to another single sign-on identity.",
    message: "Another single sign-on identity already uses your email address in Switchyard. Ask a Switchyard administrator.",
  },
  {
    id: "link-local-account",
    when: ({ sameEmail }) => sameEmail !== null,
    verdict: { kind: "link-local-account" },
    sentence: "The local account with this verified email address became a single sign-on account: bound to the identity, its password removed, its roles those the claims map to.",
    message: null,
  },
  {
    id: "create-account",
    when: ALWAYS,
    verdict: { kind: "create-account" },
    sentence: "A single sign-on account was created for this identity with the roles its claims map to.",
    message: null,
  },
];

export function decideOidcSignIn(facts: OidcSignInFacts): OidcSignInRule {
  const rule = OIDC_SIGN_IN_RULES.find((candidate) => candidate.when(facts));
  if (!rule) throw new Error("OIDC_SIGN_IN_RULES must end with a rule that always matches");
  return rule;
}

/** The roles to write on the bound account whatever the verdict; null when no account is bound. */
export function rolesToStore(facts: OidcSignInFacts): readonly Role[] | null {
  return facts.bound && facts.identity.issuer === facts.trustedIssuer ? facts.roles : null;
}

/** The message for a refusal rule id taken from the sign-in page's address; null for anything else. */
export function oidcRefusalMessage(ruleId: string | undefined): string | null {
  return OIDC_SIGN_IN_RULES.find((rule) => rule.id === ruleId && rule.verdict.kind === "refuse")?.message ?? null;
}
