import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// `generate` needs no database, but the schema's `url` must resolve or the CLI
// falls back to downloading native engines.
process.env.DATABASE_URL ??= "postgresql://localhost/switchyard";

// The Prisma CLI is used only to generate the client and to author migrations
// (`npm run db:diff`); the product applies migrations with its own migrator
// (server/store/migrate.ts). The JS schema engine avoids a native engine
// download, which this project's machines cannot reach.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
