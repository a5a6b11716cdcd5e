"use client";

import { MAINTENANCE_FAILOVER } from "@/contracts/policy";
import { valueAt, type DocumentProblem, type JsonPath } from "@/core/policy/policy-document-text";
import type { PolicyMeaning, PolicySection } from "@/core/policy/policy-meaning";
import { ChoiceInput, ListInput, NumberInput, SwitchInput, TextInput } from "./policy-form-inputs";

const MIB = 1024 * 1024;

interface Props {
  /** The document as the code view holds it (valid or not). */
  json: unknown;
  problems: readonly DocumentProblem[];
  /** What the document means; null while the schema rejects it. */
  meanings: readonly PolicyMeaning[] | null;
  onEdit: (path: JsonPath, value: unknown) => void;
}

function Meanings({ section, meanings, id }: { section: PolicySection; meanings: Props["meanings"]; id: string }) {
  const sentences = meanings?.filter((meaning) => meaning.section === section) ?? [];
  return (
    <div className="policy-meaning" id={id} aria-live="polite">
      {meanings === null ? (
        <p className="muted small">Fix the problems in the document to see what this means.</p>
      ) : (
        <ul className="small">
          {sentences.map((meaning) => (
            <li key={`${meaning.field}:${meaning.sentence}`} data-meaning={meaning.id}>
              {meaning.sentence}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Section({ section, title, meanings, children }: { section: PolicySection; title: string; meanings: Props["meanings"]; children: React.ReactNode }) {
  const id = `policy-section-${section}`;
  return (
    <fieldset className="policy-section" aria-describedby={`${id}-meaning`}>
      <legend>{title}</legend>
      <div className="policy-fields">{children}</div>
      <Meanings section={section} meanings={meanings} id={`${id}-meaning`} />
    </fieldset>
  );
}

const UTC_HINT = "UTC, as 2026-12-08T02:00:00Z";

/**
 * The settings people change most, as fields with their units; each section
 * says what its settings mean as they are typed (core/policy/policy-meaning).
 * Everything else stays editable in the code view.
 */
export function PolicyForm({ json, problems, meanings, onEdit }: Props) {
  const field = (path: JsonPath, label: string) => ({ path, label, value: valueAt(json, path), problems, onEdit });
  const datasets = valueAt(json, ["datasets"]);
  const datasetNames = datasets && typeof datasets === "object" && !Array.isArray(datasets) ? Object.keys(datasets) : [];
  const windows = valueAt(json, ["maintenanceWindows"]);
  const windowList = Array.isArray(windows) ? windows : [];
  return (
    <div className="stack">
      <Section section="detection" title="Detecting a lost primary" meanings={meanings}>
        <NumberInput {...field(["heartbeat", "intervalSeconds"], "Heartbeat interval")} unit="s" step="any" hint="How often each agent reports, 0.2–60 s" />
        <NumberInput {...field(["heartbeat", "missesBeforeUnfit"], "Missed heartbeats before unfit")} unit="reports" step={1} />
        <NumberInput {...field(["witness", "quorum"], "Witness quorum")} unit="regions" step={1} hint="Other regions that must fail to reach the primary" />
      </Section>
      <Section section="failover" title="Automatic failover and its limits" meanings={meanings}>
        <SwitchInput {...field(["failover", "automatic"], "Fail over automatically")} />
        <NumberInput {...field(["failover", "maxLagBytes"], "Largest lag a standby may have to be promoted automatically")} unit="MiB" scale={MIB} step="any" />
        <NumberInput {...field(["failover", "cooldownSeconds"], "Cooldown after a failover")} unit="s" step={1} hint="0 – 604800 s (7 days)" />
        <SwitchInput {...field(["failover", "cooldownAfterSwitchover"], "A planned switchover starts the cooldown too")} />
        <ChoiceInput
          {...field(["failover", "errantTransactions"], "A former MariaDB primary holding transactions the new primary lacks")}
          options={[
            { value: "refuse", label: "refuse: it stays read-only with its data" },
            { value: "rebuild", label: "rebuild: dump its data aside, then copy the primary" },
          ]}
        />
      </Section>
      <Section section="datasets" title="Datasets: replication and residency" meanings={meanings}>
        {datasetNames.length === 0 ? <p className="muted small">This policy has no dataset rules; add one in the code view.</p> : null}
        {datasetNames.map((name) => (
          <div key={name} className="policy-item" role="group" aria-label={`Dataset ${name}`}>
            <h4 className="mono">{name}</h4>
            <ChoiceInput
              {...field(["datasets", name, "replication"], `Replication of ${name}`)}
              options={[
                { value: "sync", label: "sync: RPO 0" },
                { value: "async", label: "async: RPO above 0" },
              ]}
            />
            <ListInput {...field(["datasets", name, "residency", "jurisdictions"], `Jurisdictions allowed for ${name}`)} hint="Comma-separated, e.g. EU, US" />
            <ListInput {...field(["datasets", name, "residency", "regions"], `Regions allowed for ${name}`)} hint="Comma-separated region ids; empty allows any in the jurisdictions" />
          </div>
        ))}
      </Section>
      <Section section="approvals" title="Approvals" meanings={meanings}>
        <NumberInput {...field(["approvals", "safetyRelevant"], "Approvals for a safety-relevant change")} unit="people" step={1} />
        <NumberInput {...field(["approvals", "other"], "Approvals for any other change")} unit="people" step={1} />
      </Section>
      <Section section="maintenanceWindows" title="Maintenance windows" meanings={meanings}>
        {windowList.map((_, index) => (
          <div key={index} className="policy-item" role="group" aria-label={`Maintenance window ${index + 1}`}>
            <h4>Window {index + 1}</h4>
            <TextInput {...field(["maintenanceWindows", index, "startsAt"], "Starts at")} hint={UTC_HINT} />
            <TextInput {...field(["maintenanceWindows", index, "endsAt"], "Ends at")} hint={UTC_HINT} />
            <TextInput {...field(["maintenanceWindows", index, "reason"], "Reason")} />
            <ChoiceInput
              {...field(["maintenanceWindows", index, "automaticFailover"], "Automatic failover during the window")}
              options={MAINTENANCE_FAILOVER.map((value) => ({ value, label: value === "held" ? "held for a person" : "armed" }))}
            />
            <div>
              <button type="button" className="button button-small button-danger" onClick={() => onEdit(["maintenanceWindows", index], undefined)}>
                Remove window {index + 1}
              </button>
            </div>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="button button-small"
            onClick={() => onEdit(["maintenanceWindows", windowList.length], { startsAt: "", endsAt: "", reason: "", automaticFailover: "held" })}
          >
            Add a maintenance window
          </button>
        </div>
      </Section>
      <Section section="alerts" title="Alerts" meanings={meanings}>
        <NumberInput {...field(["alerts", "forSeconds"], "An alert fires after its condition holds for")} unit="s" step={1} />
      </Section>
      <Section section="drills" title="Drills" meanings={meanings}>
        <SwitchInput {...field(["drills", "requireApproval"], "A drill needs a second person's approval")} />
        <NumberInput {...field(["drills", "approvalExpiresAfterMinutes"], "An unapproved drill expires after")} unit="min" step={1} />
      </Section>
    </div>
  );
}
