-- DropIndex
DROP INDEX "AuditEvent_targetType_targetId_idx";

-- AlterTable (hand-written: Prisma cannot declare a generated column). The
-- 'simple' configuration neither stems nor drops stop words, so replica names,
-- LSNs, ids and words in any language are found as written. Only JSON values
-- are indexed, not keys. The trail's own reads (`audit.*`: views, exports,
-- checkpoints, verifications) are left out: their details echo the search
-- terms, so every search would otherwise find the searches made before it.
-- A generated column is computed on INSERT, so the append-only trigger
-- (UPDATE/DELETE) never sees it; adding it rewrites the table without firing
-- row triggers.
ALTER TABLE "AuditEvent" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
  CASE WHEN "action" LIKE 'audit.%' THEN NULL ELSE
    to_tsvector('simple'::regconfig, coalesce("reason", ''))
    || jsonb_to_tsvector('simple'::regconfig, coalesce("details", 'null'::jsonb), '["string", "numeric"]'::jsonb)
    || jsonb_to_tsvector('simple'::regconfig, coalesce("before", 'null'::jsonb), '["string", "numeric"]'::jsonb)
    || jsonb_to_tsvector('simple'::regconfig, coalesce("after", 'null'::jsonb), '["string", "numeric"]'::jsonb)
  END
) STORED;

-- Hand-written too. A search ordered by seq with a LIMIT is planned either as
-- a walk back along seq that filters (right for common words) or as a GIN
-- lookup then a sort (right for rare ones: ticket numbers, LSNs, names). With
-- the default statistics a word the sample never saw is guessed at ~0.1 % of
-- rows, so a rare term was walked for over the whole table (0.7 s at 1 M
-- events, bench:audit); tracking 100x more lexemes makes unseen terms rare.
ALTER TABLE "AuditEvent" ALTER COLUMN "search" SET STATISTICS 10000;

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_seq_idx" ON "AuditEvent"("actorId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_actorLabel_seq_idx" ON "AuditEvent"("actorLabel", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_action_seq_idx" ON "AuditEvent"("action", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_seq_idx" ON "AuditEvent"("targetType", "targetId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_serviceId_seq_idx" ON "AuditEvent"("serviceId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_outcome_seq_idx" ON "AuditEvent"("outcome", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_runId_seq_idx" ON "AuditEvent"("runId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_changeRequestId_seq_idx" ON "AuditEvent"("changeRequestId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_search_idx" ON "AuditEvent" USING GIN ("search");
