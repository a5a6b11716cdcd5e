/**
 * `npm run accounts -- grant <email> <role>[,<role>…] --reason "<why>"`:
 * roles given from the control plane's host, for the moments no second admin
 * can: the first approvers of a new installation, or an installation whose
 * other admins are gone. It talks to the store directly (DATABASE_URL, or the
 * embedded store of SWITCHYARD_DATA_DIR while `npm start` runs), is audited
 * as the host and raises the grant alert (server/accounts/grant-from-host.ts).
 * Run it with the control plane's environment: its audit event is keyed with
 * the chain key of the same key folder (SWITCHYARD_KEY_DIR or the data
 * folder's keys/, or SWITCHYARD_KEY_COMMAND).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { roleSchema } from "@/contracts/users";
import { grantFromHost } from "@/server/accounts/grant-from-host";
import { createDb } from "@/server/db/client";
import { dataDir } from "@/server/data-dir";

const USAGE = 'usage: npm run accounts -- grant <email> <role>[,<role>…] --reason "<why>"';

/** The embedded store `npm start` runs under the data folder: its superuser password and port are kept beside its data. */
function storeUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const store = path.join(dataDir(), "store");
  if (!existsSync(path.join(store, "port"))) throw new Error(`no embedded store under ${store}; set DATABASE_URL or SWITCHYARD_DATA_DIR`);
  const password = readFileSync(path.join(store, "password"), "utf8").trim();
  const port = readFileSync(path.join(store, "port"), "utf8").trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/switchyard`;
}

const argsSchema = z.object({
  email: z.string().trim().toLowerCase().min(3),
  roles: z.array(roleSchema).min(1),
  reason: z.string().trim().min(3, { error: "--reason: say why, in at least 3 characters" }),
});

async function main(args: string[]): Promise<number> {
  const [command, email, roles] = args;
  const reasonAt = args.indexOf("--reason");
  if (command !== "grant" || !email || !roles || reasonAt < 0) {
    console.error(USAGE);
    return 2;
  }
  const parsed = argsSchema.safeParse({ email, roles: roles.split(",").filter(Boolean), reason: args[reasonAt + 1] ?? "" });
  if (!parsed.success) {
    console.error(`${parsed.error.issues[0]?.message}\n${USAGE}`);
    return 2;
  }
  const client = createDb(storeUrl(), 1);
  try {
    const result = await grantFromHost(client, parsed.data);
    console.log(
      result.added.length
        ? `${parsed.data.email} now holds ${result.roles.join(", ")} (added ${result.added.join(", ")} from the host; audited, alerted, their sessions ended)`
        : `${parsed.data.email} already holds ${parsed.data.roles.join(", ")}; nothing changed`,
    );
    return 0;
  } finally {
    await client.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`accounts: ${error.message}`);
    process.exit(1);
  },
);
