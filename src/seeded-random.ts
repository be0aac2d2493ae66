// A seeded pseudo-random generator (mulberry32): small, fast, and the same sequence for a seed on every platform,
// so a failing randomised run — a fault schedule, a crash test, a fuzz case — can be replayed from its seed.

/** Returns a generator of numbers in [0, 1) whose sequence is fixed by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
