/**
 * Seeded pseudo-random numbers in [0, 1) (mulberry32): the random strategy draws from the rng
 * held in the ACD state, so a decision stays a function of state + event and tests replay.
 */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
