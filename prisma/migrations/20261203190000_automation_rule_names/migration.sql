-- The automation's rules are named instead of numbered (core/automation/numbered-rule-ids.ts holds the same pairs).
-- Stored decisions and the alerts that name a held-back decision move to the names; audit events are
-- hash-chained and keep the number they were written with.
CREATE TEMPORARY TABLE "_automation_rule_names" ("old" TEXT PRIMARY KEY, "new" TEXT NOT NULL);
INSERT INTO "_automation_rule_names" ("old", "new") VALUES
  ('R1', 'healthy'),
  ('R2', 'primary-loss-unconfirmed'),
  ('R3', 'failover-paused'),
  ('R4', 'failover-off'),
  ('R5', 'failover-cooling-down'),
  ('R6', 'failover-run-active'),
  ('R7', 'failover-guided'),
  ('R8', 'failover-automatic'),
  ('R9', 'standby-lagging'),
  ('R10', 'sync-standby-lost'),
  ('R11', 'run-in-progress'),
  ('R12', 'failover-lease-held'),
  ('R13', 'fence-former-primary'),
  ('R14', 'former-primary-fenced'),
  ('R15', 'failover-maintenance-window');

UPDATE "AutomationDecision" d SET "ruleId" = n."new" FROM "_automation_rule_names" n WHERE d."ruleId" = n."old";

UPDATE "Alert" a
   SET "subjectKey" = 'automation:' || n."new", "subjectLabel" = 'automation ' || n."new"
  FROM "_automation_rule_names" n
 WHERE a."ruleId" = 'automatic-failover-held' AND a."subjectKey" = 'automation:' || n."old";
DROP TABLE "_automation_rule_names";
