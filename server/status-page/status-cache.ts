import "server-only";
import type { StatusPage } from "@/contracts/status-page";
import { statusDocument } from "./status-document";

/** The public waits no longer than this for the store; past it, the last page it answered is served. */
const ANSWER_WITHIN_MS = 2_000;
/** A page this young is served as it is: a crowd of readers during an incident costs the store one read per interval. */
const FRESH_FOR_MS = 5_000;

interface Cache {
  last: { page: StatusPage; at: number } | null;
  building: Promise<StatusPage> | null;
}

const holder = globalThis as unknown as { switchyardStatusCache?: Cache };
const cache = (): Cache => (holder.switchyardStatusCache ??= { last: null, building: null });

function rebuild(read: () => Promise<StatusPage>): Promise<StatusPage> {
  const state = cache();
  state.building ??= read()
    .then((page) => {
      state.last = { page, at: Date.now() };
      return page;
    })
    .finally(() => {
      state.building = null;
    });
  return state.building;
}

/**
 * The status page as the public sees it: fresh when the store answers
 * within ANSWER_WITHIN_MS, else the last page it answered, marked stale
 * (the read goes on and refreshes the cache when it ends). Concurrent
 * readers share one read. Only with no page ever read does a reader wait
 * for the store, or get its error.
 */
export async function currentStatusPage(read: () => Promise<StatusPage> = statusDocument): Promise<StatusPage> {
  const { last } = cache();
  if (last && Date.now() - last.at < FRESH_FOR_MS) return last.page;
  const reading = rebuild(read);
  if (!last) return reading;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_WITHIN_MS)));
  const fresh = await Promise.race([reading.catch(() => null), late]);
  clearTimeout(timer);
  return fresh ?? { ...last.page, stale: true };
}

/** Forgets the cached page, once what it shows was changed. */
export function forgetStatusPage(): void {
  const state = cache();
  state.last = null;
}
