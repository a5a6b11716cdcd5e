import path from "node:path";

/**
 * Every piece of local state (store, lab, queues) lives under one folder, so
 * two copies of Switchyard with different folders never collide.
 */
export function dataDir(): string {
  // A folder chosen at run time, never part of the build: the bundler must not trace the project through it.
  return path.resolve(/*turbopackIgnore: true*/ process.env.SWITCHYARD_DATA_DIR ?? ".switchyard");
}
