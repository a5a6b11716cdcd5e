"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { onCallQueries } from "@/client/queries/oncall";

/** A change that refreshes every on-call view when it lands. */
export function useOnCallMutation<T>(mutationFn: (variables: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => client.invalidateQueries({ queryKey: onCallQueries.all() }) });
}

/** What the API said when it refused a change. */
export function ErrorLine({ error }: { error: Error | null }) {
  return error ? (
    <p className="field-error" role="alert">
      {error.message}
    </p>
  ) : null;
}
