-- A subject is named within its service: two services can each hold an open
-- alert of one rule about a subject of the same key (e.g. `automation:R3`).
DROP INDEX "Alert_open_rule_subject_key";
CREATE UNIQUE INDEX "Alert_open_service_rule_subject_key" ON "Alert"("serviceId", "ruleId", "subjectKey") WHERE "state" <> 'resolved';
