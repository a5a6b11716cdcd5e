/**
 * What the role the control plane connects to its store as may do beyond
 * what the product needs. The product needs to read and write its rows and to
 * append audit events; anything more is what a stolen connection string or an
 * injected statement could use to rewrite history or the schema.
 */
export interface StoreRoleFacts {
  role: string;
  superuser: boolean;
  /** Owns, or is a member of a role that owns, a table in schema public. */
  ownsTables: boolean;
  /** Holds UPDATE, DELETE or TRUNCATE on "AuditEvent". */
  mayRewriteAudit: boolean;
  createRole: boolean;
  bypassRls: boolean;
  /** Holds CREATE on schema public. */
  createsInSchema: boolean;
}

export interface StoreRoleRisk {
  id: string;
  sentence: string;
}

interface StoreRoleRule {
  id: string;
  when: (facts: StoreRoleFacts) => boolean;
  sentence: (role: string) => string;
}

/**
 * Most serious first; a row is left out when a row above it already covers
 * what it says (a superuser owns everything; an owner may rewrite anything).
 * Ids are stable: logs, the fleet page and tests refer to them.
 */
export const STORE_ROLE_RULES: readonly StoreRoleRule[] = [
  {
    id: "superuser",
    when: (facts) => facts.superuser,
    sentence: (role) =>
      `The control plane connects to its store as "${role}", a superuser: whoever holds its connection can disable the audit trail's append-only trigger, alter or drop any table, create roles and read every database on the server.`,
  },
  {
    id: "owns-tables",
    when: (facts) => !facts.superuser && facts.ownsTables,
    sentence: (role) =>
      `The control plane connects to its store as "${role}", which owns the product's tables (or may act as their owner): whoever holds its connection can disable the audit trail's append-only trigger and alter or drop tables.`,
  },
  {
    id: "may-rewrite-audit",
    when: (facts) => !facts.superuser && !facts.ownsTables && facts.mayRewriteAudit,
    sentence: (role) => `The control plane's store role "${role}" may update, delete or truncate audit events: only the append-only trigger stands in the way.`,
  },
  {
    id: "creates-roles",
    when: (facts) => !facts.superuser && facts.createRole,
    sentence: (role) => `The control plane's store role "${role}" may create roles (CREATEROLE).`,
  },
  {
    id: "bypasses-rls",
    when: (facts) => !facts.superuser && facts.bypassRls,
    sentence: (role) => `The control plane's store role "${role}" bypasses row-level security (BYPASSRLS).`,
  },
  {
    id: "creates-in-schema",
    when: (facts) => !facts.superuser && !facts.ownsTables && facts.createsInSchema,
    sentence: (role) => `The control plane's store role "${role}" may create objects in schema public (tables, or functions that shadow the ones the product calls).`,
  },
];

/** What an operator does about any of them. */
export const STORE_ROLE_REMEDY =
  "Run the control plane as an application role that owns nothing and migrations as the owner: set MIGRATION_DATABASE_URL to the owner and DATABASE_URL to the application role (README, \"The store's roles\").";

export function storeRoleRisks(facts: StoreRoleFacts): StoreRoleRisk[] {
  return STORE_ROLE_RULES.filter((rule) => rule.when(facts)).map((rule) => ({ id: rule.id, sentence: rule.sentence(facts.role) }));
}
