import "server-only";
import pg from "pg";

const globalForSession = globalThis as unknown as { switchyardCopySession?: CopySession };

interface CopySession {
  client: pg.Client | null;
  pid: number | null;
  connecting: Promise<void> | null;
}

/**
 * One store connection per control-plane process, kept open for as long as
 * the process lives, whose backend pid each lease this process takes or
 * renews records. A copy that dies (SIGKILL, a crash, OOM) closes its socket
 * with it; the store ends that backend, and another copy may take the leases
 * at its next tick instead of waiting out their TTL (server/lease/lease.ts).
 * A lost host or a cut network does not close the socket, so the TTL still
 * bounds those; while the connection is down leases record no pid and only
 * the TTL applies. The pid only ever makes a hand-over earlier: fencing
 * tokens, not timing, keep a former holder's actions out.
 */
function session(): CopySession {
  globalForSession.switchyardCopySession ??= { client: null, pid: null, connecting: null };
  return globalForSession.switchyardCopySession;
}

function connect(state: CopySession): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) return Promise.resolve();
  const client = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000, application_name: "switchyard copy session" });
  const lost = () => {
    if (state.client === client) {
      state.client = null;
      state.pid = null;
    }
    void client.end().catch(() => undefined);
  };
  client.on("error", lost);
  client.on("end", lost);
  return client
    .connect()
    .then(() => client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))
    .then(({ rows }) => {
      state.client = client;
      state.pid = rows[0]!.pid;
    })
    .catch(lost);
}

/** This process's kept store session's backend pid, or null while it is not connected (a connection attempt is then made). */
export async function copySessionPid(): Promise<number | null> {
  const state = session();
  if (state.pid !== null) return state.pid;
  state.connecting ??= connect(state).finally(() => {
    state.connecting = null;
  });
  await state.connecting;
  return state.pid;
}
