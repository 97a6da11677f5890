// formatScore: 2 decimals, half up, reading a number as the decimal it is written as — numbers
// already in cents take a shortcut that must give the same text as the exact decimal rounding.
import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { formatScore } from "../../scoring";

const exact = (n: number | string) => new Decimal(n).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

describe("formatScore", () => {
  it("writes scores in cents with two decimals", () => {
    expect([0, 5, 94.8, 81.25, -3.5, -12, 100].map(formatScore)).toEqual(["0.00", "5.00", "94.80", "81.25", "-3.50", "-12.00", "100.00"]);
  });

  it("rounds longer decimals half up, away from zero", () => {
    expect([5.025, 1.005, -2.675, 0.125, 1e-7, 12.3456].map(formatScore)).toEqual(["5.03", "1.01", "-2.68", "0.13", "0.00", "12.35"]);
  });

  it("gives the exact decimal rounding's text for every cents value and many others", () => {
    for (let c = -20000; c <= 20000; c += 7) expect(formatScore(c / 100)).toBe(exact(c / 100));
    for (let i = 0; i < 2000; i++) {
      const n = Math.round(Math.sin(i) * 1e6) / 10 ** (i % 6);
      expect(formatScore(n)).toBe(exact(n));
    }
    expect(formatScore(-0)).toBe(exact(-0));
    expect(formatScore("7.5")).toBe("7.50");
  });
});
