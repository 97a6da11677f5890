// Decimal text of scores: numbers as they are written, integer cents, rounding half up for display.
// (The engine computes on exact fractions: rational.ts.)
import Decimal from "decimal.js";

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
  if (typeof n === "number" && !Object.is(n, -0)) {
    // A number written with at most 2 decimals (every score in cents) only needs its zeros.
    const s = String(n);
    const m = PLAIN_2DP.exec(s);
    if (m) return m[2] === undefined ? `${s}.00` : m[2].length === 1 ? `${s}0` : s;
  }
  return new Decimal(n).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** "-12", "3.5", "0.25" — no exponent, at most 2 decimals. */
const PLAIN_2DP = /^(-?\d+)(?:\.(\d{1,2}))?$/;

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
