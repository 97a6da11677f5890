// The rule language of zwgk-assessment/2 (issue 13): per-fault caps and one-time faults, the
// penalty part outside the points, part vetoes, bonus gate variants and per-category settings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validatePackage } from "../../scoring";
import { pkgWith, run, unit, type Json } from "./helpers";

const V2 = { format: "zwgk-assessment/2" };

function errorsOf(input: unknown) {
  const v = validatePackage(input);
  return v.ok ? [] : v.errors;
}

describe("per-fault cap and one-time faults", () => {
  const tree = [
    {
      id: "L",
      name: "主动公开",
      points: 10,
      rule: {
        type: "deduction",
        faults: [
          { code: "miss", label: "栏目内容缺失", points: 0.5, max: 2 },
          { code: "nodir", label: "未编制目录", points: 1, once: true },
          { code: "late", label: "超期公开", points: 0.5 },
        ],
      },
    },
    { id: "R", name: "其余", points: 90, rule: { type: "score" } },
  ];
  const score = (deductions: Json[]) => unit(run(pkgWith(tree, [{ id: "u", inputs: { L: { deductions }, R: { scores: [90] } } }], V2)), "u").leaves.L;

  it("a fault's cap applies to the sum over all its entries and sources (4 and 3 finds at 0.5, capped at 2, take 2)", () => {
    expect(score([{ fault: "miss", count: 4, source: "抽查#1" }, { fault: "miss", count: 3, source: "抽查#2" }])).toEqual({
      score: 8,
      max: 10,
      na: false,
      divergent: false,
      explain: "栏目内容缺失×4，扣2分（来源：抽查#1）；栏目内容缺失×3，扣1.5分（来源：抽查#2）；“栏目内容缺失”最多扣2分；合计扣2分，得8.00/10分",
    });
  });

  it("below its cap a fault deducts in full, and ad-hoc deductions count against no cap", () => {
    expect(score([{ fault: "miss", count: 3 }, { points: 1.5, reason: "酌情扣分" }]).explain).toBe("栏目内容缺失×3，扣1.5分；酌情扣分，扣1.5分；合计扣3分，得7.00/10分");
  });

  it("a one-time fault reported more than once deducts once", () => {
    expect(score([{ fault: "nodir", count: 2 }, { fault: "nodir", source: "抽查#3" }]).explain).toBe(
      "未编制目录×2，扣2分；未编制目录×1，扣1分（来源：抽查#3）；“未编制目录”为一次性扣分项，只扣1分；合计扣1分，得9.00/10分",
    );
    expect(score([{ fault: "nodir" }]).explain).toBe("未编制目录×1，扣1分，得9.00/10分");
  });

  it("property: a capped fault never takes more than its cap, and the leaf never goes below 0", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ fault: fc.constantFrom("miss", "nodir"), count: fc.integer({ min: 0, max: 30 }) }), { maxLength: 6 }), (ds) => {
        const l = score(ds);
        const miss = ds.filter((d) => d.fault === "miss").reduce((n, d) => n + d.count, 0);
        const nodir = ds.some((d) => d.fault === "nodir" && d.count > 0) ? 1 : 0;
        expect(l.score).toBe(10 - Math.min(2, miss * 0.5) - nodir);
        expect(l.score).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it("the new fault fields need zwgk-assessment/2, and are checked", () => {
    expect(errorsOf(pkgWith(tree, []))).toContainEqual({ path: "indicatorSets[0].indicators[0].rule.faults[0].max", message: "“max”属于 zwgk-assessment/2 格式，请将 format 设为“zwgk-assessment/2”" });
    const bad = [{ id: "L", name: "x", points: 100, rule: { type: "deduction", faults: [{ code: "a", label: "a", points: 1, max: 0.5 }, { code: "b", label: "b", points: 1, once: true, max: 2 }] } }];
    expect(errorsOf(pkgWith(bad, [], V2))).toEqual([
      { path: "indicatorSets[0].indicators[0].rule.faults[0].max", message: "最多扣分0.5小于每次扣分1" },
      { path: "indicatorSets[0].indicators[0].rule.faults[1].max", message: "一次性扣分项（once）只扣一次，不能再设置最多扣分（max）" },
    ]);
  });
});
