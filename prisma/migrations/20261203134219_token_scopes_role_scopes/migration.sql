-- CreateEnum
CREATE TYPE "TokenScope" AS ENUM ('read', 'operate', 'approve', 'audit', 'admin');

-- Tokens issued before scopes existed acted with all their owner's roles:
-- they keep every scope, so that no script breaks on the upgrade, and they
-- expire like any other token, 90 days after the upgrade at the latest.
ALTER TABLE "ApiToken" ADD COLUMN "scopes" "TokenScope"[] NOT NULL DEFAULT ARRAY['read', 'operate', 'approve', 'audit', 'admin']::"TokenScope"[];
ALTER TABLE "ApiToken" ALTER COLUMN "scopes" DROP DEFAULT;
UPDATE "ApiToken" SET "expiresAt" = now() + interval '90 days' WHERE "expiresAt" IS NULL OR "expiresAt" > now() + interval '90 days';
ALTER TABLE "ApiToken" ALTER COLUMN "expiresAt" SET NOT NULL;

-- CreateTable
CREATE TABLE "RoleScope" (
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "serviceIds" TEXT[] NOT NULL,

    CONSTRAINT "RoleScope_pkey" PRIMARY KEY ("userId","role"),
    -- An empty limit would read as no limit at all.
    CONSTRAINT "RoleScope_not_empty" CHECK (cardinality("serviceIds") > 0),
    CONSTRAINT "RoleScope_scopable_role" CHECK ("role" IN ('operator', 'approver'))
);

-- AddForeignKey
ALTER TABLE "RoleScope" ADD CONSTRAINT "RoleScope_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
