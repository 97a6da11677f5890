// Property-based tests (fast-check).
import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatScore } from "../../scoring/decimal";
import * as Q from "../../scoring/rational";
import { compute, validatePackage, type AssessmentPackage } from "../../scoring";

// A tree mixing every rule type: base points 30+20+20+15+15 = 100, bonus 5, one veto leaf.
const INDICATORS = [
  { id: "s", name: "评分", dimension: "disclosure", points: 30, rule: { type: "score" } },
  { id: "d", name: "扣分", dimension: "disclosure", points: 20, rule: { type: "deduction", faults: [{ code: "late", label: "超期公开", points: 2.5 }] } },
  { id: "r", name: "比率", dimension: "response", points: 20, rule: { type: "ratio", target: 0.95 } },
  { id: "t", name: "分档", dimension: "media", points: 15, rule: { type: "tiers", tiers: [{ min: 3, points: 15 }, { min: 1, points: 8 }] } },
  { id: "e", name: "时效", dimension: "interpretation", points: 15, rule: { type: "timeliness", limit: { workingDays: 3 } } },
  { id: "B", name: "加分", part: "bonus", points: 5, children: [{ id: "b", name: "创新", points: 5, rule: { type: "score" } }] },
  { id: "V", name: "否决", part: "veto", points: 0, children: [{ id: "v", name: "泄密", points: 0, rule: { type: "veto" } }] },
];
const CALENDAR = { holidays: ["2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-07"], workdays: ["2019-09-29", "2019-10-12"] };

const score = (max: number) => fc.integer({ min: 0, max: max * 100 }).map((c) => c / 100);
const na = fc.constant({ na: true, reason: "不适用" });
const maybeNa = <T>(arb: fc.Arbitrary<T>, allowNa: boolean) => (allowNa ? fc.oneof({ weight: 1, arbitrary: na }, { weight: 5, arbitrary: arb }) : arb);
const event = fc.record({ startDay: fc.integer({ min: 0, max: 20 }), hours: fc.integer({ min: 0, max: 400 }) }).map(({ startDay, hours }) => {
  const start = Date.UTC(2019, 8, 20 + startDay, 2, 0, 0);
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  return { start: iso(start), end: iso(start + hours * 3_600_000) };
});

const inputsArb = (allowNa: boolean) =>
  fc.record({
    s: maybeNa(fc.array(score(30), { minLength: 1, maxLength: 3 }).map((scores) => ({ scores })), allowNa),
    d: maybeNa(
      fc.array(fc.oneof(fc.record({ fault: fc.constant("late"), count: fc.integer({ min: 0, max: 9 }) }), score(8).map((points) => ({ points, reason: "抽查发现" }))), { maxLength: 4 }).map((deductions) => ({ deductions })),
      allowNa,
    ),
    r: maybeNa(
      fc.oneof(
        fc.integer({ min: 0, max: 1200 }).map((v) => ({ value: v / 1000 })),
        fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 })).map(([numerator, denominator]) => ({ numerator, denominator })),
      ),
      allowNa,
    ),
    t: maybeNa(fc.integer({ min: 0, max: 5 }).map((value) => ({ value })), allowNa),
    e: maybeNa(fc.array(event, { maxLength: 5 }).map((events) => ({ events })), allowNa),
    b: fc.oneof(na, score(5).map((v) => ({ scores: [v] }))),
    v: fc.oneof({ weight: 6, arbitrary: fc.constant({ triggered: false }) }, { weight: 1, arbitrary: fc.constant({ triggered: true, reason: "发生失泄密" }) }),
  });

const packageArb = (allowNa: boolean) =>
  fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.constantFrom("区级部门", "乡镇"), inputsArb(allowNa)), {
    minLength: 1,
    maxLength: 8,
    selector: ([id]) => id,
  }).map((units) => ({
    format: "zwgk-assessment/1",
    title: "性质测试",
    opennessWeightPct: 5,
    calendar: CALENDAR,
    indicatorSets: [
      { category: "区级部门", indicators: INDICATORS },
      { category: "乡镇", indicators: INDICATORS },
    ],
    units: units.map(([id, category, inputs]) => ({ id, name: `单位${id}`, category, inputs })),
  }));

function valid(input: unknown): AssessmentPackage {
  const v = validatePackage(input);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.pkg;
}

function reverseKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).reverse()) as T;
}

describe("properties", () => {
  it("permuting units and the key order of inputs never changes the results", () => {
    fc.assert(
      fc.property(packageArb(true), fc.integer(), (p, seed) => {
        const a = JSON.stringify(compute(valid(p)));
        const units = p.units.slice();
        // deterministic shuffle from the seed
        let s = seed >>> 0;
        for (let i = units.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [units[i], units[j]] = [units[j], units[i]];
        }
        const permuted = { ...p, units: units.map((u) => ({ ...u, inputs: reverseKeys(u.inputs) })) };
        expect(JSON.stringify(compute(valid(reverseKeys(permuted))))).toBe(a);
      }),
      { numRuns: 150 },
    );
  });

  it("a unit's total never exceeds scale + bonus cap, and is never negative", () => {
    fc.assert(
      fc.property(packageArb(true), (p) => {
        for (const u of compute(valid(p)).units) {
          expect(u.total).toBeLessThanOrEqual(105);
          expect(u.total).toBeGreaterThanOrEqual(0);
          expect(u.base).toBeLessThanOrEqual(100);
          for (const [, l] of Object.entries(u.leaves)) expect(l.score).toBeLessThanOrEqual(l.max);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("without N/A and with base points summing to the scale, base equals the plain sum of leaf scores", () => {
    // Random partitions of 100 points (in cents) into score leaves with 1–2 evaluators.
    const arb = fc
      .array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 12 })
      .chain((weights) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const cents = weights.map((w) => Math.floor((w * 10_000) / total));
        cents[0] += 10_000 - cents.reduce((a, b) => a + b, 0);
        const pts = cents.filter((c) => c > 0);
        return fc.tuple(
          fc.constant(pts),
          fc.tuple(...pts.map((c) => fc.array(fc.integer({ min: 0, max: c }), { minLength: 1, maxLength: 2 }))),
        );
      });
    fc.assert(
      fc.property(arb, ([pts, scores]) => {
        const indicators = pts.map((c, i) => ({ id: `L${i}`, name: `指标${i}`, points: c / 100, rule: { type: "score" } }));
        const inputs = Object.fromEntries(scores.map((ss, i) => [`L${i}`, { scores: ss.map((x) => x / 100) }]));
        const p = {
          format: "zwgk-assessment/1",
          opennessWeightPct: 5,
          indicatorSets: [{ category: "c", indicators }],
          units: [{ id: "u", name: "u", category: "c", inputs }],
        };
        let plain = new Decimal(0);
        for (const ss of scores) plain = plain.plus(ss.reduce((a, b) => a.plus(b), new Decimal(0)).div(100).div(ss.length));
        const r = compute(valid(p));
        expect(r.warnings).toEqual([]);
        expect(r.units[0].base).toBe(Number(formatScore(plain.toString())));
      }),
      { numRuns: 300 },
    );
  });

  it("the one arithmetic is exact on both sides of the safe-integer range (against plain BigInt fractions)", () => {
    // Values from tiny to far beyond 2^53 once multiplied: the arithmetic switches to BigInts by a
    // checked condition and gives exactly what a BigInt-only computation gives.
    const big = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
    const fracArb = fc.oneof(
      fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 })).map(([p, q]) => [BigInt(p), BigInt(q)] as const),
      fc.tuple(big, fc.bigInt({ min: 1n, max: 10n ** 18n })).map(([p, q]) => [p, q] as const),
    );
    const rat = ([p, q]: readonly [bigint, bigint]) => Q.div(ratOf(p), ratOf(q));
    const ratOf = (x: bigint): Q.Rat => {
      // An integer as a sum of safe pieces, so that building it uses the arithmetic under test.
      const base = 10n ** 9n;
      const neg = x < 0n;
      let a = neg ? -x : x;
      let r = Q.ZERO;
      let scale = Q.ONE;
      while (a > 0n) {
        r = Q.add(r, Q.mul(scale, Q.frac(Number(a % base), 1)));
        scale = Q.mul(scale, Q.frac(Number(base), 1));
        a /= base;
      }
      return neg ? Q.neg(r) : r;
    };
    const norm = (p: bigint, q: bigint): string => {
      const g = (x: bigint, y: bigint): bigint => (y === 0n ? (x < 0n ? -x : x) : g(y, x % y));
      const d = g(p, q) * (q < 0n ? -1n : 1n);
      return `${p / d}/${q / d}`;
    };
    const show = (r: Q.Rat) => (r.P === null ? norm(BigInt(r.p), BigInt(r.q)) : norm(r.P, r.Q as bigint));
    fc.assert(
      fc.property(fracArb, fracArb, ([ap, aq], [bp, bq]) => {
        const a = rat([ap, aq]);
        const b = rat([bp, bq]);
        expect(show(Q.add(a, b))).toBe(norm(ap * bq + bp * aq, aq * bq));
        expect(show(Q.sub(a, b))).toBe(norm(ap * bq - bp * aq, aq * bq));
        expect(show(Q.mul(a, b))).toBe(norm(ap * bp, aq * bq));
        if (bp !== 0n) expect(show(Q.div(a, b))).toBe(norm(ap * bq, aq * bp));
        const l = ap * bq;
        const r = bp * aq;
        expect(Q.cmp(a, b)).toBe(l < r ? -1 : l > r ? 1 : 0);
        const n = ap < 0n ? -ap : ap;
        const c = (n * 200n + aq) / (2n * aq);
        expect(Q.cents(a)).toBe(Number(ap < 0n ? -c : c));
        // The representation is canonical: BigInts exactly when a part does not fit.
        const fits = (x: bigint) => x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= -BigInt(Number.MAX_SAFE_INTEGER);
        const [sp, sq] = show(Q.mul(a, b)).split("/").map(BigInt);
        expect(Q.isBig(Q.mul(a, b))).toBe(!(fits(sp) && fits(sq)));
        const sum = new Q.RatSum();
        sum.add(a);
        sum.add(b);
        sum.add(a);
        expect(show(sum.value())).toBe(norm((2n * ap * bq + bp * aq), aq * bq));
      }),
      { numRuns: 1000 },
    );
  });

  it("formatScore rounds half up on the written decimal", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        const x = n / 1000; // three decimals
        const expected = new Decimal(n).div(1000).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
        expect(formatScore(x)).toBe(expected);
      }),
    );
  });
});
