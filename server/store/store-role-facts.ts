import type pg from "pg";
import type { StoreRoleFacts } from "@/core/store/store-role-risks";

/** What the connected role may do beyond reading and writing rows (core/store/store-role-risks.ts). */
const FACTS = `
  SELECT current_user::text AS role,
         r.rolsuper AS superuser,
         EXISTS (SELECT 1 FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                    AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS "ownsTables",
         COALESCE(has_table_privilege(to_regclass('public."AuditEvent"'), 'UPDATE, DELETE, TRUNCATE'), false) AS "mayRewriteAudit",
         r.rolcreaterole AS "createRole",
         r.rolbypassrls AS "bypassRls",
         has_schema_privilege('public', 'CREATE') AS "createsInSchema"
    FROM pg_roles r
   WHERE r.rolname = current_user`;

export async function readStoreRoleFacts(client: pg.ClientBase | pg.Pool): Promise<StoreRoleFacts> {
  const { rows } = await client.query<StoreRoleFacts>(FACTS);
  return rows[0]!;
}
