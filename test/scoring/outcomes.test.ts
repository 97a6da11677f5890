// The engine evaluates each distinct input of a leaf once per compute() and shares the outcome
// between units: a unit's result must never depend on which other units are scored with it.
import { describe, expect, it } from "vitest";
import type { UnitResult } from "../../scoring";
import { OUTCOMES_PER_LEAF, OutcomeTable, type Outcome } from "../../scoring/outcomes";
import { ZERO } from "../../scoring/rational";
import { pkgWith, run, type Json } from "./helpers";

const INDICATORS = [
  { id: "S", name: "评分项", points: 10, dimension: "disclosure", rule: { type: "score" } },
  { id: "D", name: "扣分项", points: 10, dimension: "interpretation", rule: { type: "deduction", faults: [{ code: "late", label: "超期公开", points: 0.5 }, { code: "miss", label: "应公开未公开", points: 1.5 }] } },
  { id: "Q", name: "比例项", points: 10, dimension: "response", rule: { type: "ratio", target: 0.95 } },
  { id: "N", name: "可不适用项", points: 10, dimension: "media", rule: { type: "score" } },
  { id: "R", name: "其余", points: 60, rule: { type: "score" } },
];

/** Inputs that differ from unit to unit: thousands of distinct scores, fractions and deductions, N/A with two reasons. */
function inputs(u: number): Json {
  return {
    S: { scores: [(u % 1001) / 100, ((u * u) % 997) / 100] },
    D: { deductions: [{ fault: u % 2 === 0 ? "late" : "miss", count: u % 5 }, { fault: "late", count: (u >> 1) % 4 }] },
    Q: { numerator: u % 500, denominator: 500 },
    N: u % 3 === 0 ? { na: true, reason: u % 2 === 0 ? "本单位无此职能" : "本年度未开展" } : { scores: [(u % 11) / 1.25] },
    R: { scores: [(u % 61) / 1] },
  };
}

/** What a unit's result says about the unit itself (ranks depend on the other units). */
function own(u: UnitResult) {
  const { rank: _rank, categoryRank: _categoryRank, ...rest } = u;
  return rest;
}

describe("outcomes shared between units", () => {
  it("every unit scores exactly as it does alone, among 6000 units with more distinct inputs per leaf than are kept", () => {
    const units = Array.from({ length: 6000 }, (_, u) => ({ id: `U${u}`, inputs: inputs(u) }));
    const all = run(pkgWith(INDICATORS, units));
    const byId = new Map(all.units.map((x) => [x.id, x]));
    const distinctS = new Set(units.map((x) => JSON.stringify((x.inputs.S as Json).scores)));
    expect(distinctS.size).toBeGreaterThan(4096);
    for (let u = 0; u < units.length; u += 37) {
      const alone = run(pkgWith(INDICATORS, [units[u]])).units[0];
      expect(own(byId.get(`U${u}`) as UnitResult), `unit U${u}`).toEqual(own(alone));
    }
    // The last units, after every leaf has seen thousands of inputs, too.
    for (let u = units.length - 20; u < units.length; u++) {
      expect(own(byId.get(`U${u}`) as UnitResult), `unit U${u}`).toEqual(own(run(pkgWith(INDICATORS, [units[u]])).units[0]));
    }
  });

  it("an N/A leaf keeps each unit's own reason", () => {
    const r = run(pkgWith(INDICATORS, [0, 3, 6, 9].map((u) => ({ id: `U${u}`, inputs: inputs(u) }))));
    const explain = (id: string) => r.units.find((x) => x.id === id)?.leaves.N.explain;
    expect([explain("U0"), explain("U3"), explain("U6"), explain("U9")]).toEqual([
      "不适用：本单位无此职能",
      "不适用：本年度未开展",
      "不适用：本单位无此职能",
      "不适用：本年度未开展",
    ]);
  });
});

describe("the outcome table", () => {
  const outcome = (key: number): Outcome => ({ result: { score: key, max: 0, na: false, divergent: false, explain: String(key) }, score: ZERO, deducted: ZERO });

  it("gives back the outcome kept for each key, and none for other keys, up to the most it keeps", () => {
    // Keys as rules build them: small ones, and ones beyond 2^32 whose low 32 bits coincide.
    const keys: number[] = [];
    for (let i = 0; keys.length < OUTCOMES_PER_LEAF + 100; i++) keys.push(i % 2 === 0 ? i / 2 : 2 ** 24 + (i % 1000) * 2 ** 32 + Math.floor(i / 1000));
    const table = new OutcomeTable();
    const kept = new Map<number, Outcome>();
    for (const key of keys) {
      if (table.get(key) !== undefined) continue;
      const o = outcome(key);
      table.add(key, o);
      if (kept.size < OUTCOMES_PER_LEAF) kept.set(key, o);
    }
    expect(table.size).toBe(OUTCOMES_PER_LEAF);
    for (const key of keys) expect(table.get(key), `key ${key}`).toBe(kept.get(key));
    for (const key of [1_000_000, 2 ** 24 + 1000 * 2 ** 32, 2 ** 52]) expect(table.get(key)).toBeUndefined();
  });
});
