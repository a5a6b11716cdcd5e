import { PrismaPg } from "@prisma/adapter-pg";

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * Prisma's adapter for node-postgres, with each transaction's queries sent one
 * at a time. Prisma's query interpreter loads sibling relations of a record at
 * once (`include` of two relations), and inside a transaction all of them go
 * to the transaction's one connection: node-postgres queues them today, with a
 * DeprecationWarning at `npm start`, and refuses them from pg 9 on. Outside a
 * transaction each query takes a connection of the pool, so those stay
 * parallel. Prisma's own fix is pending (prisma/orm#29407); a test fails once
 * Prisma stops overlapping them, when this can go.
 */
export class PrismaPgOneQueryPerTransaction extends PrismaPg {
  override async connect(): Promise<Adapter> {
    return oneQueryAtATimeInTransactions(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    return oneQueryAtATimeInTransactions(await super.connectToShadowDb());
  }
}

function oneQueryAtATimeInTransactions(adapter: Adapter): Adapter {
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => oneQueryAtATime(await startTransaction(isolationLevel));
  return adapter;
}

/**
 * A query waits for the one before it to settle, failed or not; COMMIT and
 * ROLLBACK are queries too, so they are sent after every query begun before them.
 */
function oneQueryAtATime(transaction: Transaction): Transaction {
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(send: () => Promise<T>): Promise<T> => {
    const result = last.then(send, send);
    last = result.catch(() => undefined);
    return result;
  };
  const queryRaw = transaction.queryRaw.bind(transaction);
  const executeRaw = transaction.executeRaw.bind(transaction);
  transaction.queryRaw = (query) => inTurn(() => queryRaw(query));
  transaction.executeRaw = (query) => inTurn(() => executeRaw(query));
  return transaction;
}
