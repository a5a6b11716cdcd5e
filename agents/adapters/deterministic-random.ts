/**
 * Random numbers addressed by (seed, stream, index) rather than drawn in
 * sequence: any tick of a simulated replica can be computed on its own, so a
 * benchmark can generate report 100 000 without generating the 99 999 before
 * it, and the same seed always gives the same fleet.
 */

/** The output function of mulberry32: a well-mixed 32-bit hash of a 32-bit input. */
function mulberry32(state: number): number {
  let t = (state + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** Uniform in [0, 1). */
export function unitAt(seed: number, stream: number, index: number): number {
  return mulberry32(mulberry32(mulberry32(seed | 0) ^ stream) ^ (index | 0)) / 4_294_967_296;
}

/**
 * Smooth noise in [0, 1): random values every `spacing` ticks, eased between
 * them. Its slope never exceeds 1.5 / spacing per tick, which is what lets
 * the simulator keep replay positions from moving backwards.
 */
export function smoothAt(seed: number, stream: number, x: number, spacing: number): number {
  const position = x / spacing;
  const knot = Math.floor(position);
  const f = position - knot;
  const eased = f * f * (3 - 2 * f);
  const a = unitAt(seed, stream, knot);
  const b = unitAt(seed, stream, knot + 1);
  return a + (b - a) * eased;
}
