import pg, { type ClientBase } from "pg";

/**
 * The store's two roles. The owner owns the database, its schema and every
 * object in it, and runs the migrations. The application role is what the
 * control plane connects as: it owns nothing, so it cannot alter a table or
 * disable a trigger, and holds only the privileges the owner grants it
 * (application-grants.ts).
 */
export interface StoreRole {
  name: string;
  password: string;
}

export interface StoreRoles {
  owner: StoreRole;
  app: StoreRole;
}

export const EMBEDDED_ROLE_NAMES = { owner: "switchyard_owner", app: "switchyard_app" } as const;

const id = pg.escapeIdentifier;

/**
 * Creates both roles if they are missing and (re)sets their passwords and
 * attributes, so a role someone widened by hand is narrowed again. Neither
 * may create roles or databases, bypass row-level security or replicate, and
 * the application role is a member of no role (a member of the owner's role
 * could act as the owner). Run as a superuser.
 */
export async function ensureStoreRoles(superuser: ClientBase, roles: StoreRoles): Promise<void> {
  for (const role of [roles.owner, roles.app]) {
    const { rowCount } = await superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role.name]);
    if (!rowCount) await superuser.query(`CREATE ROLE ${id(role.name)}`);
    await superuser.query(
      `ALTER ROLE ${id(role.name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${pg.escapeLiteral(role.password)}`,
    );
  }
  const { rows } = await superuser.query<{ granted: string }>(
    "SELECT roleid::regrole::text AS granted FROM pg_auth_members WHERE member = $1::regrole",
    [roles.app.name],
  );
  for (const { granted } of rows) await superuser.query(`REVOKE ${granted} FROM ${id(roles.app.name)}`);
}

/** Every object in schema public that some other role owns, as the statement giving it to `owner` (extension members and sequences that follow their table left out). */
const FOREIGN_OWNED = `
  SELECT format('ALTER %s %s OWNER TO %I',
                CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                c.oid::regclass, $1::text) AS statement
    FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> $1::regrole
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  UNION ALL
  SELECT format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype, $1::text)
    FROM pg_type t
   WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> $1::regrole
     AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  UNION ALL
  SELECT format('ALTER %s %s OWNER TO %I', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.oid::regprocedure, $1::text)
    FROM pg_proc p
   WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> $1::regrole
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`;

/**
 * Gives the database this client is connected to, its schema public and
 * everything in it to the owner role: a store created before the roles
 * existed (everything owned by the superuser) is upgraded in place. Only the
 * owner and the application role may connect, and only the owner may create
 * objects. Run as a superuser, connected to that database.
 */
export async function handOverDatabase(superuser: ClientBase, roles: { owner: string; app: string }): Promise<void> {
  const { rows } = await superuser.query<{ database: string }>("SELECT current_database() AS database");
  const database = id(rows[0]!.database);
  const owner = id(roles.owner);
  await superuser.query("BEGIN");
  try {
    await superuser.query(`ALTER DATABASE ${database} OWNER TO ${owner}`);
    await superuser.query(`ALTER SCHEMA public OWNER TO ${owner}`);
    await superuser.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await superuser.query(`GRANT CONNECT ON DATABASE ${database} TO ${id(roles.app)}`);
    await superuser.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    const { rows: statements } = await superuser.query<{ statement: string }>(FOREIGN_OWNED, [roles.owner]);
    for (const { statement } of statements) await superuser.query(statement);
    await superuser.query("COMMIT");
  } catch (error) {
    await superuser.query("ROLLBACK");
    throw error;
  }
}
