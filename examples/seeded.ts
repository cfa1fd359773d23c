/**
 * mulberry32, the small seeded generator behind the example models' weights and the benches' data: the
 * same numbers on every machine, so a regenerated model.json is byte-identical. It lives here, beside the
 * generators, because its exact sequence is part of the committed example files (src/quantizers/random.ts
 * is a different generator and would change them).
 */

/** mulberry32: 32-bit words from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform doubles in [0, 1) from mulberry32. */
export function seeded(seed: number): () => number {
  const word = mulberry32(seed);
  return () => word() / 4294967296;
}

/** One N(0, 1) draw (Box-Muller, cosine half; 1 - u is in (0, 1], so the log stays finite). */
export function standardNormal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
