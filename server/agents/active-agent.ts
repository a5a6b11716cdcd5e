import "server-only";

/**
 * A replica's agent that may report and take commands, as a relation
 * filter: at most one matches (a partial unique index); revoked agents stay
 * as history, since the audit trail names them.
 */
export const ACTIVE_AGENT = { where: { revokedAt: null } } as const;
