import "server-only";

/** The public's answer when the store has never answered this copy: nothing cached to fall back on. */
export function storeUnavailable(): Response {
  return Response.json(
    { error: { code: "store_unavailable", message: "The status page cannot be read right now: the control plane's store does not answer. Try again shortly." } },
    { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
  );
}
