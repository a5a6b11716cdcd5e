import { primaryLeaseAnswerSchema, type PrimaryLeaseAnswer, type PrimaryLeaseRequest } from "@/contracts/primary-lease";
import { errorMessage, truncate } from "../error-message";
import type { HttpPoster } from "../http-post";
import type { Failure } from "../log";
import { parseJson } from "../parse-json";

export const LEASE_PATH = "/api/v1/agents/lease";

/**
 * The control plane's answer; or that it grants no leases at all (404: a
 * version from before them, while agents are upgraded first); or why there
 * is none. Anything but an answer neither grants nor refuses.
 */
export type LeaseReply =
  | { kind: "answer"; answer: PrimaryLeaseAnswer }
  | { kind: "not-offered"; why: string }
  | { kind: "none"; failure: Failure; why: string };

/** Where a control plane grants leases: appended, not resolved, since it may live under a path prefix. */
export function leaseUrl(controlPlaneUrl: string): URL {
  return new URL(`${controlPlaneUrl.replace(/\/+$/, "")}${LEASE_PATH}`);
}

/** One lease request to `url` (leaseUrl), outside the report queue: it is only worth anything now. */
export async function requestLease(http: HttpPoster, url: URL, token: string, body: PrimaryLeaseRequest, timeoutMs: number, signal?: AbortSignal): Promise<LeaseReply> {
  let status: number;
  let text: string;
  try {
    ({ status, body: text } = await http.post(url, JSON.stringify(body), { authorization: `Bearer ${token}` }, timeoutMs, signal));
  } catch (error) {
    return { kind: "none", failure: "control_plane_unreachable", why: `no answer to the lease request: ${errorMessage(error)}` };
  }
  if (status === 200) {
    const parsed = primaryLeaseAnswerSchema.safeParse(parseJson(text));
    if (parsed.success) return { kind: "answer", answer: parsed.data };
    return { kind: "none", failure: "bug", why: `the control plane answered the lease request with something that is not a PrimaryLeaseAnswer: ${truncate(text, 300)}` };
  }
  if (status === 404) return { kind: "not-offered", why: `the control plane answered 404 to ${LEASE_PATH}: it grants no leases (a version from before them?)` };
  if (status === 401 || status === 403 || status === 429 || status >= 500) {
    return { kind: "none", failure: "control_plane_unreachable", why: `the control plane answered ${status} to the lease request` };
  }
  return { kind: "none", failure: "bug", why: `the control plane answered ${status} to the lease request, which the agent does not expect: ${truncate(text, 300)}` };
}
