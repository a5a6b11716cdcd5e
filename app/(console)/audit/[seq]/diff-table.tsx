import type { AuditEventDetail } from "@/contracts/audit-query";

const show = (value: unknown) => (value === undefined ? "" : JSON.stringify(value));

export function DiffTable({ diff }: { diff: AuditEventDetail["diff"] }) {
  if (diff.length === 0) return <p className="muted">This event records no change of state.</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Change</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {diff.map((entry) => (
            <tr key={entry.path} className={`audit-diff-${entry.change}`}>
              <td className="mono">{entry.path}</td>
              <td>{entry.change}</td>
              <td className="mono">{entry.change === "added" ? <span className="muted">—</span> : <del>{show(entry.before)}</del>}</td>
              <td className="mono">{entry.change === "removed" ? <span className="muted">—</span> : <ins>{show(entry.after)}</ins>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
