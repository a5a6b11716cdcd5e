-- Policy documents lose `featureFlags`, whose only member was `cross_region_writes`:
-- with physical streaming replication a service has exactly one writer, so the flag
-- could be approved but could not act. Every stored document (the versions and the
-- change requests proposing them) is rewritten so that it still parses under the
-- schema, which refuses unknown fields. Audit events keep the documents as they were
-- (the trail is append-only and hash-chained), and nothing reads them as policies.
UPDATE "PolicyVersion" SET "document" = "document" - 'featureFlags' WHERE "document" ? 'featureFlags';
UPDATE "ChangeRequest" SET "document" = "document" - 'featureFlags' WHERE "document" ? 'featureFlags';
