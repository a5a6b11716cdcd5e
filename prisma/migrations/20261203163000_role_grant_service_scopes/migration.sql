-- A grant of approver can be limited to services, as the role itself can (RoleScope).
ALTER TABLE "RoleGrant" ADD COLUMN "serviceScopes" JSONB NOT NULL DEFAULT '{}';
