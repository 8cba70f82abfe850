/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same
 * sequence of floats in [0, 1) on every run, so a failing input can be replayed.
 */
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

/** `count` distinct pixel images of `size` pixels of `bits` bits each, from `random`. */
export function distinctPixelImages(
  random: () => number,
  count: number,
  size: number,
  bits: number,
): number[][] {
  const seen = new Set<string>();
  const images: number[][] = [];
  while (images.length < count) {
    const pixels = Array.from({ length: size }, () => Math.floor(random() * 2 ** bits));
    const key = pixels.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    images.push(pixels);
  }
  return images;
}
