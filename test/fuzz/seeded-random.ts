/**
 * A small seeded generator (mulberry32) for the fuzzers: the same seed gives the same run, so a
 * failure is reproduced by its seed alone.
 * @module
 */

export class SeededRandom {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** A u32 that is often an edge (0, 1, limits, powers of two) and otherwise anything. */
  u32(): number {
    const edges = [0, 1, 2, 3, 4, 7, 8, 0xff, 0x100, 0xffff, 0x10000, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff];
    if (this.next() < 0.6) return this.pick(edges);
    return (this.next() * 0x1_0000_0000) >>> 0;
  }
}

/** The environment in Node; none inside workerd (where the defaults apply). */
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

/** The seed of a fuzz run: `FUZZ_SEED` when set (to replay a failure), else a fixed default. */
export function fuzzSeed(fallback: number): number {
  const given = Number(env.FUZZ_SEED);
  return Number.isInteger(given) ? given : fallback;
}

/** How many cases a fuzz run tries: `FUZZ_ITERATIONS` for a longer run, else the small CI budget. */
export function fuzzIterations(fallback: number): number {
  const given = Number(env.FUZZ_ITERATIONS);
  return Number.isInteger(given) && given > 0 ? given : fallback;
}
