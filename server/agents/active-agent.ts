import "server-only";

/**
 * A replica's agent that may report and take commands, as a relation
 * include: at most one (a partial unique index); revoked agents stay as
 * history, since the audit trail names them.
 */
export const ACTIVE_AGENT = { where: { revokedAt: null }, take: 1 } as const;
