/**
 * Every change of the local server's read-only state in this process (the
 * fence and unfence commands, the lease keeper's own fence and its undoing,
 * whatever the engine) runs one at a time, so that the keeper, which decides
 * from what it knows under that turn, can never undo a fence a command has
 * just made.
 */

let turn: Promise<unknown> = Promise.resolve();

/** Runs `change` once every change started before it has finished. */
export function inFenceTurn<T>(change: () => Promise<T>): Promise<T> {
  const run = turn.then(change, change);
  turn = run.catch(() => {});
  return run;
}
