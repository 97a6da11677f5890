// The engine's one exact arithmetic: rational numbers.
//
// Every number in a package is a JSON number; the engine reads it as the decimal it is written as
// (its shortest round-trip form: 0.1 is exactly 1/10). A `Rat` holds a reduced fraction of safe
// integers (p / q, plain numbers) while its parts fit, and of BigInts (P / Q) otherwise. Each
// operation checks, before it trusts a plain-number result, that every intermediate product and sum
// stayed within ±Number.MAX_SAFE_INTEGER; when one did not, it computes the result with BigInts
// instead. The switch is a checked condition, never a caught error, and the representation is
// canonical (a value is held as BigInts only when it does not fit), so both give identical results.
import Decimal from "decimal.js";

const MAX = Number.MAX_SAFE_INTEGER;
const BIG_MAX = BigInt(MAX);

function safe(x: number): boolean {
  return x <= MAX && x >= -MAX;
}

export class Rat {
  constructor(
    /** Numerator and denominator (q > 0) when they fit; NaN when the value is held as BigInts. */
    readonly p: number,
    readonly q: number,
    /** Numerator and denominator (Q > 0n) when they do not fit as safe integers; null otherwise. */
    readonly P: bigint | null,
    readonly Q: bigint | null,
  ) {}
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

function bgcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** p / q of safe integers, q > 0, reduced. */
function small(p: number, q: number): Rat {
  if (q !== 1) {
    const g = gcd(p, q);
    if (g > 1) {
      p /= g;
      q /= g;
    }
  }
  return new Rat(p, q, null, null);
}

/** P / Q (Q ≠ 0), reduced; held as plain numbers when they fit. */
function big(P: bigint, Q: bigint): Rat {
  if (Q < 0n) {
    P = -P;
    Q = -Q;
  }
  const g = bgcd(P, Q);
  if (g > 1n) {
    P /= g;
    Q /= g;
  }
  if (Q <= BIG_MAX && P <= BIG_MAX && P >= -BIG_MAX) return new Rat(Number(P), Number(Q), null, null);
  return new Rat(Number.NaN, Number.NaN, P, Q);
}

function bp(a: Rat): bigint {
  return a.P ?? BigInt(a.p);
}

function bq(a: Rat): bigint {
  return a.Q ?? BigInt(a.q);
}

export const ZERO = new Rat(0, 1, null, null);
export const ONE = new Rat(1, 1, null, null);
export const HUNDRED = new Rat(100, 1, null, null);

/** p / q for safe integers, q > 0. */
export function frac(p: number, q: number): Rat {
  return small(p, q);
}

export function isBig(a: Rat): boolean {
  return a.P !== null;
}

// ---------------------------------------------------------------- reading JSON numbers

const MAX_PLACES = 9;
/** Decimal numerators stay below 2^50 so that p / 10^k identifies the decimal uniquely. */
const DEC_MAX = 2 ** 50;
const POW10: number[] = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** Set by decimalPlaces(): the numerator p of x = p / 10^k. */
let DP = 0;

/**
 * The places k of the decimal x is written as, when x = p / 10^k with |p| < 2^50 and k ≤ 9 (p is
 * left in DP); -1 otherwise (the number is then read through its full decimal string).
 */
function decimalPlaces(x: number): number {
  if (Number.isInteger(x)) {
    if (x > DEC_MAX || x < -DEC_MAX) return -1;
    DP = x;
    return 0;
  }
  for (let k = 1; k <= MAX_PLACES; k++) {
    const pow = POW10[k];
    const p = Math.round(x * pow);
    if (p / pow === x) {
      if (p > DEC_MAX || p < -DEC_MAX) return -1;
      DP = p;
      return k;
    }
  }
  return -1;
}

const numCache = new Map<number, Rat>();

/** The exact value of the decimal a JSON number is written as. */
export function num(x: number): Rat {
  const hit = numCache.get(x);
  if (hit !== undefined) return hit;
  let r: Rat;
  if (Number.isInteger(x) && safe(x)) r = new Rat(x, 1, null, null);
  else {
    const k = decimalPlaces(x);
    if (k >= 0) r = small(DP, POW10[k]);
    else {
      // Decimal(number) uses the number's shortest representation; toFixed() never uses exponents.
      const s = new Decimal(x).toFixed();
      const dot = s.indexOf(".");
      r = dot < 0 ? big(BigInt(s), 1n) : big(BigInt(s.slice(0, dot) + s.slice(dot + 1)), 10n ** BigInt(s.length - dot - 1));
    }
  }
  if (numCache.size > 100_000) numCache.clear();
  numCache.set(x, r);
  return r;
}

/**
 * A small code identifying a non-negative decimal with few digits (p < 2^21, ≤ 3 places), or -1:
 * what outcome caches key inputs by.
 */
export function smallCode(x: unknown): number {
  if (typeof x !== "number") return -1;
  const k = decimalPlaces(x);
  if (k < 0 || k > 3 || DP < 0 || DP >= 2 ** 21) return -1;
  return DP * 4 + k;
}

// ---------------------------------------------------------------- operations

export function add(a: Rat, b: Rat): Rat {
  if (a.P === null && b.P === null) {
    if (a.q === b.q) {
      const s = a.p + b.p;
      if (safe(s)) return a.q === 1 ? new Rat(s, 1, null, null) : small(s, a.q);
    } else {
      const g = gcd(a.q, b.q);
      const m = b.q / g;
      const x = a.p * m;
      const y = b.p * (a.q / g);
      const q = a.q * m;
      const s = x + y;
      if (safe(x) && safe(y) && safe(q) && safe(s)) return small(s, q);
    }
  }
  return big(bp(a) * bq(b) + bp(b) * bq(a), bq(a) * bq(b));
}

export function neg(a: Rat): Rat {
  return a.P === null ? new Rat(-a.p, a.q, null, null) : new Rat(Number.NaN, Number.NaN, -a.P, a.Q);
}

export function sub(a: Rat, b: Rat): Rat {
  return add(a, neg(b));
}

export function mul(a: Rat, b: Rat): Rat {
  if (a.P === null && b.P === null) {
    if (a.p === 0 || b.p === 0) return ZERO;
    if (a.q === 1 && b.q === 1) {
      const p = a.p * b.p;
      if (safe(p)) return new Rat(p, 1, null, null);
    } else {
      // Cross-reduce first: the result is then reduced.
      const g1 = gcd(a.p, b.q);
      const g2 = gcd(b.p, a.q);
      const p = (a.p / g1) * (b.p / g2);
      const q = (a.q / g2) * (b.q / g1);
      if (safe(p) && safe(q)) return new Rat(p, q, null, null);
    }
  }
  return big(bp(a) * bp(b), bq(a) * bq(b));
}

export function div(a: Rat, b: Rat): Rat {
  if (sign(b) === 0) throw new Error("division by zero");
  if (b.P === null) return mul(a, b.p < 0 ? new Rat(-b.q, -b.p, null, null) : new Rat(b.q, b.p, null, null));
  return big(bp(a) * bq(b), bq(a) * bp(b));
}

export function cmp(a: Rat, b: Rat): number {
  if (a.P === null && b.P === null) {
    if (a.q === b.q) return a.p < b.p ? -1 : a.p > b.p ? 1 : 0;
    const l = a.p * b.q;
    const r = b.p * a.q;
    if (safe(l) && safe(r)) return l < r ? -1 : l > r ? 1 : 0;
  }
  const l = bp(a) * bq(b);
  const r = bp(b) * bq(a);
  return l < r ? -1 : l > r ? 1 : 0;
}

export function sign(a: Rat): number {
  if (a.P !== null) return a.P < 0n ? -1 : 1;
  return a.p < 0 ? -1 : a.p > 0 ? 1 : 0;
}

export function min(a: Rat, b: Rat): Rat {
  return cmp(a, b) <= 0 ? a : b;
}

export function max(a: Rat, b: Rat): Rat {
  return cmp(a, b) >= 0 ? a : b;
}

/** Floor division of non-negative integers held in doubles, corrected for float rounding. */
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

/** Round half up (away from zero) to 2 decimals; integer cents. */
export function cents(a: Rat): number {
  if (a.P === null) {
    const n = a.p < 0 ? -a.p : a.p;
    const x = n * 200;
    const y = x + a.q;
    const z = 2 * a.q;
    if (safe(x) && safe(y) && safe(z)) {
      const c = idiv(y, z);
      return a.p < 0 ? 0 - c : c; // 0 - 0 is +0
    }
  }
  const P = bp(a);
  const Q = bq(a);
  const n = P < 0n ? -P : P;
  const c = (n * 200n + Q) / (2n * Q);
  return Number(P < 0n ? -c : c);
}

// ---------------------------------------------------------------- text

/** Smallest k with q | 10^k, or -1 when the fraction does not terminate. */
function terminatingScale(q: bigint): number {
  let n = q;
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

/** "约" and a non-negative number of millionths (rounded), e.g. 333333 → "约0.333333". */
function approxString(negative: boolean, micro: bigint | number): string {
  const s = micro.toString().padStart(7, "0");
  const txt = `${s.slice(0, s.length - 6)}.${s.slice(s.length - 6)}`.replace(/\.?0+$/, "");
  return `约${negative ? "-" : ""}${txt}`;
}

function bigString(p: bigint, q: bigint): string {
  const negative = p < 0n;
  const ap = negative ? -p : p;
  const k = terminatingScale(q);
  if (k >= 0) {
    let s = ((ap * 10n ** BigInt(k)) / q).toString();
    if (k > 0) {
      s = s.padStart(k + 1, "0");
      s = `${s.slice(0, s.length - k)}.${s.slice(s.length - k)}`.replace(/\.?0+$/, "");
    }
    return (negative ? "-" : "") + s;
  }
  return approxString(negative, (ap * 1_000_000n * 2n + q) / (2n * q));
}

function terminates(q: number): boolean {
  while (q % 2 === 0) q /= 2;
  while (q % 5 === 0) q /= 5;
  return q === 1;
}

/** Exact decimal string when the value terminates, else 6 decimals prefixed by "约". */
export function str(a: Rat): string {
  if (a.P === null) {
    if (a.q === 1) return String(a.p);
    let k = 0;
    let pow = 1;
    while (k < 8 && pow % a.q !== 0) {
      pow *= 10;
      k++;
    }
    if (pow % a.q === 0) {
      const scaled = a.p * (pow / a.q);
      if (safe(scaled)) return plainDecimal(scaled, k);
    } else if (!terminates(a.q)) {
      const ap = a.p < 0 ? -a.p : a.p;
      const x = ap * 2_000_000 + a.q;
      if (safe(ap * 2_000_000) && safe(x) && safe(2 * a.q)) return approxString(a.p < 0, idiv(x, 2 * a.q));
    }
  }
  return bigString(bp(a), bq(a));
}

/** s / 10^k (safe integer s, k ≤ 8) as a decimal string without trailing zeros. */
function plainDecimal(s: number, k: number): string {
  const negative = s < 0;
  const a = negative ? -s : s;
  const pow = POW10[k];
  const whole = Math.floor(a / pow);
  let f = a - whole * pow;
  if (f === 0) return negative && whole !== 0 ? `-${whole}` : String(whole);
  while (f % 10 === 0) {
    f /= 10;
    k--;
  }
  const fs = String(f);
  return `${negative ? "-" : ""}${whole}.${"0".repeat(k - fs.length)}${fs}`;
}

/**
 * A running sum updated in place (no object per addition): the sums over a unit's leaves. The same
 * rule as add(): plain numbers while every intermediate value is a safe integer, BigInts otherwise.
 * The fraction is kept unreduced between additions (its denominator is the lcm of those added).
 */
export class RatSum {
  private p = 0;
  private q = 1;
  private big: Rat | null = null;

  reset(): void {
    this.p = 0;
    this.q = 1;
    this.big = null;
  }

  add(b: Rat): void {
    if (b.P === null) this.addFraction(b.p, b.q);
    else this.addBig(b);
  }

  /** Add p / q (safe integers, q > 0). */
  addFraction(p: number, q: number): void {
    // The common case first, small enough to be inlined.
    if (this.big === null && this.q === q) {
      const s = this.p + p;
      if (safe(s)) {
        this.p = s;
        return;
      }
    }
    this.addOther(p, q);
  }

  /** Add the value of another sum. */
  addSum(o: RatSum): void {
    if (o.big !== null) this.addBig(o.big);
    else if (o.p !== 0) this.addFraction(o.p, o.q);
  }

  isZero(): boolean {
    return this.big === null && this.p === 0;
  }

  private addOther(bp: number, bq: number): void {
    if (this.big === null) {
      const q = this.q;
      if (bq % q === 0) {
        const x = this.p * (bq / q);
        const s = x + bp;
        if (safe(x) && safe(s)) {
          this.p = s;
          this.q = bq;
          return;
        }
      } else if (q % bq === 0) {
        const y = bp * (q / bq);
        const s = this.p + y;
        if (safe(y) && safe(s)) {
          this.p = s;
          return;
        }
      } else {
        const g = gcd(q, bq);
        const m = bq / g;
        const x = this.p * m;
        const y = bp * (q / g);
        const nq = q * m;
        const s = x + y;
        if (safe(x) && safe(y) && safe(nq) && safe(s)) {
          this.p = s;
          this.q = nq;
          return;
        }
      }
    }
    this.addBig(small(bp, bq));
  }

  private addBig(b: Rat): void {
    const r = add(this.value(), b);
    if (r.P === null) {
      this.p = r.p;
      this.q = r.q;
      this.big = null;
    } else this.big = r;
  }

  value(): Rat {
    return this.big ?? small(this.p, this.q);
  }
}
