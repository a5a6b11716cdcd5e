import { ApiClientError } from "@/client/api-client";

/** A refused request as the API said it, with the field it blames. */
export function ProblemAlert({ error, prefix }: { error: Error; prefix?: string }) {
  return (
    <div className="alert alert-error" role="alert">
      {prefix ? <strong>{prefix} </strong> : null}
      {error.message || "The request failed."}
      {error instanceof ApiClientError && error.field ? (
        <div className="small">
          Field: <span className="mono">{error.field}</span>
        </div>
      ) : null}
    </div>
  );
}
