// Exact arithmetic for the scoring engine.
//
// Every number in a package is a JSON number; the engine reads it as the
// decimal it is written as (its shortest round-trip representation, e.g. 0.1
// is exactly 1/10). All computation is done on exact fractions and rounded to
// 2 decimals half up only at the output.
//
// Two interchangeable implementations of `Arith`:
// - `fastArith`: fractions of safe integers (plain JS numbers). Every product
//   and sum is checked against Number.MAX_SAFE_INTEGER, so a result is either
//   exact or the computation throws `OVERFLOW`.
// - `bigArith`: fractions of BigInts, always exact, slower. The engine falls
//   back to it for a unit whenever the fast path overflows.
import Decimal from "decimal.js";

export interface Arith<T> {
  readonly zero: T;
  /** The exact decimal value of a JSON number. */
  num(x: number): T;
  /** p / q for safe integers, q > 0. */
  frac(p: number, q: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  cmp(a: T, b: T): number;
  sign(a: T): number;
  min(a: T, b: T): T;
  max(a: T, b: T): T;
  /** Round half up (away from zero) to 2 decimals; returns integer cents. */
  cents(a: T): number;
  /** Exact decimal string if the value terminates, else 6 decimals prefixed by "约". */
  str(a: T): string;
}

/** Thrown by the fast path when an intermediate value leaves the safe-integer range. */
export class ArithOverflow extends Error {}
export const OVERFLOW = new ArithOverflow("safe-integer overflow");

const MAX = Number.MAX_SAFE_INTEGER;

function chk(x: number): number {
  if (x > MAX || x < -MAX) throw OVERFLOW;
  return x;
}

function gcd(a: number, b: number): number {
  a = a < 0 ? -a : a;
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Floor division of integers held in doubles, corrected for float rounding. */
function idiv(a: number, b: number): number {
  let d = Math.floor(a / b);
  let r = a - d * b;
  while (r < 0) {
    d -= 1;
    r += b;
  }
  while (r >= b) {
    d += 1;
    r -= b;
  }
  return d;
}

export class F {
  constructor(
    readonly p: number,
    readonly q: number,
  ) {}
}

function mkF(p: number, q: number): F {
  if (q !== 1) {
    const g = gcd(p, q);
    if (g > 1) {
      p /= g;
      q /= g;
    }
  }
  return new F(p, q);
}

/** Digits and power-of-ten exponent of a number's shortest decimal form. */
function decimalParts(x: number): { digits: string; scale: number } {
  // Decimal(number) uses the number's shortest representation; toFixed() never uses exponents.
  const s = new Decimal(x).toFixed();
  const dot = s.indexOf(".");
  if (dot < 0) return { digits: s, scale: 0 };
  return { digits: s.slice(0, dot) + s.slice(dot + 1), scale: s.length - dot - 1 };
}

const fastNumCache = new Map<number, F>();

function fastNum(x: number): F {
  const hit = fastNumCache.get(x);
  if (hit !== undefined) return hit;
  let f: F;
  if (Number.isInteger(x)) {
    f = new F(chk(x), 1);
  } else {
    const { digits, scale } = decimalParts(x);
    if (scale > 15) throw OVERFLOW;
    const p = Number(digits);
    f = mkF(chk(p), 10 ** scale);
  }
  if (fastNumCache.size > 100_000) fastNumCache.clear();
  fastNumCache.set(x, f);
  return f;
}

function terminatingScale(q: number | bigint): number {
  // Smallest k with q | 10^k, or -1 when the fraction does not terminate.
  let n = BigInt(q);
  let twos = 0;
  let fives = 0;
  while (n % 2n === 0n) {
    n /= 2n;
    twos++;
  }
  while (n % 5n === 0n) {
    n /= 5n;
    fives++;
  }
  return n === 1n ? Math.max(twos, fives) : -1;
}

function decimalString(p: bigint, q: bigint): string {
  const neg = p < 0n;
  const ap = neg ? -p : p;
  const k = terminatingScale(q);
  if (k >= 0) {
    const scaled = (ap * 10n ** BigInt(k)) / q;
    let s = scaled.toString();
    if (k > 0) {
      s = s.padStart(k + 1, "0");
      s = `${s.slice(0, s.length - k)}.${s.slice(s.length - k)}`.replace(/\.?0+$/, "");
    }
    return (neg ? "-" : "") + s;
  }
  return approxString(neg, (ap * 1_000_000n * 2n + q) / (2n * q));
}

/** "约" and a non-negative number of millionths (rounded), e.g. 333333 → "约0.333333". */
function approxString(neg: boolean, micro: bigint | number): string {
  const s = micro.toString().padStart(7, "0");
  const txt = `${s.slice(0, s.length - 6)}.${s.slice(s.length - 6)}`.replace(/\.?0+$/, "");
  return `约${neg ? "-" : ""}${txt}`;
}

/** Whether p/q (reduced, q > 0) has a finite decimal expansion. */
function terminates(q: number): boolean {
  while (q % 2 === 0) q /= 2;
  while (q % 5 === 0) q /= 5;
  return q === 1;
}

export const fastArith: Arith<F> = {
  zero: new F(0, 1),
  num: fastNum,
  frac(p, q) {
    return mkF(p, q);
  },
  add(a, b) {
    if (a.q === b.q) return new F(chk(a.p + b.p), a.q);
    if (b.q % a.q === 0) return mkF(chk(chk(a.p * (b.q / a.q)) + b.p), b.q);
    if (a.q % b.q === 0) return mkF(chk(chk(b.p * (a.q / b.q)) + a.p), a.q);
    return mkF(chk(chk(a.p * b.q) + chk(b.p * a.q)), chk(a.q * b.q));
  },
  sub(a, b) {
    return fastArith.add(a, new F(-b.p, b.q));
  },
  mul(a, b) {
    if (a.p === 0 || b.p === 0) return fastArith.zero;
    if (a.q === 1 && b.q === 1) return new F(chk(a.p * b.p), 1);
    // Cross-reduce first to keep the numbers small.
    const g1 = gcd(a.p, b.q);
    const g2 = gcd(b.p, a.q);
    return mkF(chk((a.p / g1) * (b.p / g2)), chk((a.q / g2) * (b.q / g1)));
  },
  div(a, b) {
    if (b.p === 0) throw new Error("division by zero");
    const inv = b.p < 0 ? new F(-b.q, -b.p) : new F(b.q, b.p);
    return fastArith.mul(a, inv);
  },
  cmp(a, b) {
    if (a.q === b.q) return a.p < b.p ? -1 : a.p > b.p ? 1 : 0;
    const l = chk(a.p * b.q);
    const r = chk(b.p * a.q);
    return l < r ? -1 : l > r ? 1 : 0;
  },
  sign(a) {
    return a.p < 0 ? -1 : a.p > 0 ? 1 : 0;
  },
  min(a, b) {
    return fastArith.cmp(a, b) <= 0 ? a : b;
  },
  max(a, b) {
    return fastArith.cmp(a, b) >= 0 ? a : b;
  },
  cents(a) {
    const n = a.p < 0 ? -a.p : a.p;
    const num = chk(chk(chk(n * 200) + a.q));
    const c = idiv(num, chk(2 * a.q));
    return a.p < 0 ? -c : c;
  },
  str(a) {
    if (a.q === 1) return String(a.p);
    // q | 10^k for small k: scale with plain numbers when safe.
    let k = 0;
    let pow = 1;
    while (k < 8 && pow % a.q !== 0) {
      pow *= 10;
      k++;
    }
    if (pow % a.q === 0) {
      const scaled = a.p * (pow / a.q);
      if (Math.abs(scaled) <= MAX) return numStr(scaled / pow);
    } else if (!terminates(a.q)) {
      // As decimalString for a non-terminating fraction, on safe integers.
      const ap = a.p < 0 ? -a.p : a.p;
      const num = ap * 2_000_000 + a.q;
      if (num <= MAX && 2 * a.q <= MAX) return approxString(a.p < 0, idiv(num, 2 * a.q));
    }
    return decimalString(BigInt(a.p), BigInt(a.q));
  },
};

export class B {
  constructor(
    readonly p: bigint,
    readonly q: bigint,
  ) {}
}

function bgcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function mkB(p: bigint, q: bigint): B {
  if (q < 0n) {
    p = -p;
    q = -q;
  }
  const g = bgcd(p, q);
  return g > 1n ? new B(p / g, q / g) : new B(p, q);
}

function bigNum(x: number): B {
  const { digits, scale } = decimalParts(x);
  return mkB(BigInt(digits), 10n ** BigInt(scale));
}

export const bigArith: Arith<B> = {
  zero: new B(0n, 1n),
  num: bigNum,
  frac(p, q) {
    return mkB(BigInt(p), BigInt(q));
  },
  add(a, b) {
    if (a.q === b.q) return mkB(a.p + b.p, a.q);
    return mkB(a.p * b.q + b.p * a.q, a.q * b.q);
  },
  sub(a, b) {
    return bigArith.add(a, new B(-b.p, b.q));
  },
  mul(a, b) {
    return mkB(a.p * b.p, a.q * b.q);
  },
  div(a, b) {
    if (b.p === 0n) throw new Error("division by zero");
    return mkB(a.p * b.q, a.q * b.p);
  },
  cmp(a, b) {
    const l = a.p * b.q;
    const r = b.p * a.q;
    return l < r ? -1 : l > r ? 1 : 0;
  },
  sign(a) {
    return a.p < 0n ? -1 : a.p > 0n ? 1 : 0;
  },
  min(a, b) {
    return bigArith.cmp(a, b) <= 0 ? a : b;
  },
  max(a, b) {
    return bigArith.cmp(a, b) >= 0 ? a : b;
  },
  cents(a) {
    const n = a.p < 0n ? -a.p : a.p;
    const c = (n * 200n + a.q) / (2n * a.q);
    return Number(a.p < 0n ? -c : c);
  },
  str(a) {
    return decimalString(a.p, a.q);
  },
};

/** Integer cents → JSON number with 2 decimals (e.g. 503 → 5.03). */
export function centsToNumber(c: number): number {
  return c / 100;
}

/** Integer cents → "5.03". */
export function centsToString(c: number): string {
  const neg = c < 0;
  const a = neg ? -c : c;
  const whole = Math.floor(a / 100);
  const frac = a - whole * 100;
  return `${neg ? "-" : ""}${whole}.${frac < 10 ? "0" : ""}${frac}`;
}

/**
 * Format a score with exactly 2 decimals, rounding half up (away from zero),
 * reading the input as the decimal it is written as: formatScore(5.025) === "5.03".
 */
export function formatScore(n: string | number): string {
  return new Decimal(n).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** Round half up to 2 decimals and return a JSON number. */
export function roundScore(n: string | number): number {
  return Number(formatScore(n));
}

/** Exact sum of JSON numbers as a decimal string (for messages). */
export function exactSum(xs: number[]): string {
  let s = new Decimal(0);
  for (const x of xs) s = s.plus(x);
  return s.toString();
}

/** Exact decimal string of a JSON number ("0.1", never "1e-7"). */
const numStrCache = new Map<number, string>();

export function numStr(x: number): string {
  const hit = numStrCache.get(x);
  if (hit !== undefined) return hit;
  let s = String(x);
  if (s.includes("e")) s = new Decimal(x).toFixed();
  if (numStrCache.size > 100_000) numStrCache.clear();
  numStrCache.set(x, s);
  return s;
}
