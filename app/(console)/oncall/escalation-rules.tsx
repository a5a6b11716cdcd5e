"use client";

import { useQuery } from "@tanstack/react-query";
import { onCallQueries } from "@/client/queries/oncall";

/** The escalation decision table, read-only, so people can see why someone was (or was not) paged. */
export function EscalationRules() {
  const { data, isPending, isError } = useQuery(onCallQueries.policies());
  return (
    <section className="card" aria-labelledby="escalation-rules">
      <h2 id="escalation-rules" style={{ marginBottom: 4 }}>
        How escalation decides
      </h2>
      {isPending ? <p className="muted">Loading…</p> : null}
      {isError ? <p className="field-error">Could not load the escalation rules.</p> : null}
      {data ? (
        <>
          <p className="muted" style={{ marginBottom: 10 }}>
            Alerts of severity <strong>{data.pageSeverity}</strong> page people. The first row that applies decides.
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">What it says</th>
                </tr>
              </thead>
              <tbody>
                {data.rules.map((rule) => (
                  <tr key={rule.id}>
                    <td>
                      <code>{rule.id}</code>
                    </td>
                    <td>{rule.sentence}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
