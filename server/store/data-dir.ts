import path from "node:path";

/**
 * Every piece of local state (store, lab, queues) lives under one folder, so
 * two copies of Switchyard with different folders never collide.
 */
export function dataDir(): string {
  return path.resolve(process.env.SWITCHYARD_DATA_DIR ?? ".switchyard");
}
