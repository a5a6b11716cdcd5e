import pg, { type ClientBase } from "pg";
import { MIGRATION_LOCK } from "./migrate";

/**
 * What the application role may do, granted by the owner after every
 * migration run (so a grant the schema's newer tables need is never
 * missing) and by default on whatever the owner creates next: read and write
 * rows, draw sequence numbers, call the functions the owner provides (e.g.
 * managing Sample's partitions). Never TRUNCATE, REFERENCES or TRIGGER; on
 * "AuditEvent" only SELECT and INSERT; on the migrations table only SELECT,
 * so a copy without the owner's credentials can tell whether every migration
 * is applied. Run as the owner; idempotent.
 */
export async function grantApplicationRole(owner: ClientBase, appRole: string): Promise<void> {
  const app = pg.escapeIdentifier(appRole);
  await owner.query("BEGIN");
  try {
    // Copies starting together would otherwise grant on the same objects at once, which PostgreSQL refuses ("tuple concurrently updated").
    await owner.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    const { rows } = await owner.query<{ owns: boolean }>("SELECT nspowner = current_user::regrole AS owns FROM pg_namespace WHERE nspname = 'public'");
    // PostgreSQL before 15 lets every role create in public; only the schema's owner can take that back.
    if (rows[0]?.owns) await owner.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
    await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`);
    await owner.query(`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${app}`);
    await owner.query(`REVOKE UPDATE, DELETE ON "AuditEvent" FROM ${app}`);
    await owner.query(`REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM ${app}`);
    await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`);
    await owner.query(`REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA public FROM ${app}`);
    await owner.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${app}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO ${app}`);
    await owner.query("COMMIT");
  } catch (error) {
    await owner.query("ROLLBACK");
    throw error;
  }
}
