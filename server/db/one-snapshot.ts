import "server-only";
import type pg from "pg";

/**
 * Runs `work` on `sessions` connections that all see the store at one
 * moment: the first opens a read-only repeatable-read transaction and
 * exports its snapshot, the others adopt it (SET TRANSACTION SNAPSHOT), so
 * reads that would each take a while run side by side and still agree with
 * each other, as one transaction's would.
 */
export async function inOneSnapshot<T>(pool: pg.Pool, sessions: number, work: (clients: pg.PoolClient[]) => Promise<T>): Promise<T> {
  const clients: pg.PoolClient[] = [];
  try {
    await connectAll(pool, sessions, clients);
    const [first, ...others] = clients;
    await first!.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows } = await first!.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot");
    await Promise.all(
      others.map(async (client) => {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        await client.query(`SET TRANSACTION SNAPSHOT '${rows[0]!.snapshot.replace(/'/g, "")}'`);
      }),
    );
    const result = await work(clients);
    await Promise.all(clients.map((client) => client.query("COMMIT")));
    return result;
  } catch (error) {
    await Promise.all(clients.map((client) => client.query("ROLLBACK").catch(() => undefined)));
    throw error;
  } finally {
    for (const client of clients) client.release();
  }
}

let connecting: Promise<void> = Promise.resolve();

/**
 * Takes `sessions` connections from the pool, one caller at a time: two
 * callers each holding one connection of a full pool while waiting for a
 * second would wait for ever; one at a time, the one taking waits only for
 * connections that others release.
 */
function connectAll(pool: pg.Pool, sessions: number, into: pg.PoolClient[]): Promise<void> {
  const turn = connecting.then(async () => {
    while (into.length < sessions) into.push(await pool.connect());
  });
  connecting = turn.catch(() => undefined);
  return turn;
}
