import { createHash, randomBytes } from "node:crypto";

/**
 * A seeded, fully specified pseudo-random generator, so anyone can re-derive a draw (抽查、随机分配)
 * from its published seed — with this code or with any SHA-256 implementation.
 *
 * Stream `zwgk-prng/1` for (seed, purpose):
 *   block k (k = 0, 1, 2, …) = SHA-256( UTF-8( "zwgk-prng/1" + "\n" + seed + "\n" + purpose + "\n" + k ) )
 *   where k is written in decimal. Each 32-byte block yields eight unsigned 32-bit integers
 *   (big-endian, bytes 0–3 first); the stream is the words of block 0, then block 1, and so on.
 *
 * nextInt(n), uniform in [0, n): take words x until x < n × floor(2^32 / n) (rejection, so there
 *   is no modulo bias), return x mod n.
 * shuffle(list): Fisher–Yates from the end: for i = len−1 down to 1, j = nextInt(i + 1), swap i, j.
 * sample(list, k): the first k items of shuffle(list).
 *
 * Server-only (node:crypto). Draws order their populations canonically (by code) before shuffling,
 * so database row order never changes a result.
 */
export const PRNG_VERSION = "zwgk-prng/1";

const TWO_32 = 0x1_0000_0000;

export interface Prng {
  /** The next unsigned 32-bit integer of the stream. */
  nextUint32(): number;
  /** Uniform integer in [0, n), 1 ≤ n ≤ 2^32. */
  nextInt(n: number): number;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** k items drawn without replacement: the first k of shuffle(items). */
  sample<T>(items: readonly T[], k: number): T[];
}

export function createPrng(seed: string, purpose = ""): Prng {
  let block = 0;
  let words: number[] = [];
  let pos = 0;

  const refill = () => {
    const digest = createHash("sha256").update(`${PRNG_VERSION}\n${seed}\n${purpose}\n${block}`, "utf8").digest();
    block++;
    words = [];
    for (let i = 0; i < 32; i += 4) words.push(digest.readUInt32BE(i));
    pos = 0;
  };

  const nextUint32 = (): number => {
    if (pos >= words.length) refill();
    return words[pos++];
  };

  const nextInt = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    const limit = n * Math.floor(TWO_32 / n);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };

  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = items.slice();
    for (let i = out.length - 1; i >= 1; i--) {
      const j = nextInt(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  };

  const sample = <T>(items: readonly T[], k: number): T[] => {
    if (!Number.isInteger(k) || k < 0 || k > items.length) throw new RangeError(`sample: k must be an integer in [0, ${items.length}], got ${k}`);
    return shuffle(items).slice(0, k);
  };

  return { nextUint32, nextInt, shuffle, sample };
}

/** Compare strings by UTF-16 code units — locale-independent, so every machine sorts alike. */
export function codeOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fresh random seed for when the office leaves the seed empty (shown and stored like any other). */
export function newSeed(): string {
  return randomBytes(8).toString("hex");
}
