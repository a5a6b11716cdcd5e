-- Approver or admin given by an identity provider's claims is recorded as a grant too, so that it alerts like any other.
ALTER TABLE "RoleGrant" ADD COLUMN "issuer" TEXT;
