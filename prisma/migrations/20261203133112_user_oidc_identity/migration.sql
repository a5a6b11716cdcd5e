-- AlterTable
ALTER TABLE "User" ADD COLUMN     "oidcIssuer" TEXT,
ADD COLUMN     "oidcSubject" TEXT,
ALTER COLUMN "passwordHash" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");

-- An account signs in either with its own password or through one OpenID
-- Connect identity, never both and never neither.
ALTER TABLE "User" ADD CONSTRAINT "User_password_xor_oidc" CHECK (
  ("oidcIssuer" IS NULL) = ("oidcSubject" IS NULL)
  AND ("passwordHash" IS NULL) <> ("oidcSubject" IS NULL)
);
