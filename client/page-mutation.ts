import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { ApiClientError } from "./api-client";

/**
 * A change through the API on a page rendered on the server (the settings
 * pages): success renders the page again with what the server now holds, and
 * the mutation stays pending until the page shows it, so a button is not
 * enabled again over stale rows.
 */
export function usePageMutation<TData, TVariables = void>(mutationFn: (variables: TVariables) => Promise<TData>) {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const mutation = useMutation({ mutationFn, onSuccess: () => startTransition(() => router.refresh()) });
  return { ...mutation, isPending: mutation.isPending || refreshing };
}

/** The field a refused request blames, when the API (or the operation's schema, before sending) named one. */
export const blamedField = (error: Error | null): string | undefined => (error instanceof ApiClientError ? error.field : undefined);
