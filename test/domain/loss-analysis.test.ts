import { describe, expect, it } from "vitest";
import { analyseLosses, commonProblemsText, topLosses, type LossCategoryDef, type LossUnit } from "../../app/domain/loss-analysis";

/** A small cycle worked out by hand: two categories, four units in 部门, one in 街道. */
const defs: LossCategoryDef[] = [
  {
    category: "部门",
    indicators: [
      { id: "1.1", name: "目录更新", points: 4, part: "base", faults: { late: "未按时更新", gap: "目录缺项" } },
      { id: "1.2", name: "政策解读", points: 3, part: "base", faults: {} },
      { id: "2", name: "创新加分", points: 2, part: "bonus", faults: {} },
      { id: "3", name: "否决项", points: 0, part: "veto", faults: {} },
      { id: "4", name: "扣分项", points: 0, part: "penalty", faults: { leak: "泄露隐私" } },
    ],
  },
  { category: "街道", indicators: [{ id: "1.1", name: "公开专栏", points: 10, part: "base", faults: {} }] },
];

const leaf = (score: number, max: number, na = false) => ({ score, max, na });

const units: LossUnit[] = [
  {
    category: "部门",
    leaves: { "1.1": leaf(3, 4), "1.2": leaf(3, 3), "2": leaf(0, 2), "3": leaf(0, 0), "4": leaf(-1.5, 0) },
    deductions: { "1.1": [{ fault: "late" }], "4": [{ fault: "leak", source: "抽查发现#7" }] },
  },
  {
    category: "部门",
    leaves: { "1.1": leaf(2, 4), "1.2": leaf(2.5, 3), "2": leaf(2, 2), "3": leaf(0, 0), "4": leaf(0, 0) },
    // the same fault twice and a finding of it count the unit once, as found in a spot check
    deductions: { "1.1": [{ fault: "late" }, { fault: "late", source: "抽查发现#3" }], "1.2": [{ reason: "解读材料未同步发布" }] },
  },
  {
    category: "部门",
    leaves: { "1.1": leaf(1.67, 4), "1.2": leaf(0, 3, true), "2": leaf(0, 2), "3": leaf(0, 0), "4": leaf(0, 0) },
    deductions: { "1.1": [{ fault: "gap" }, { fault: "late" }] },
  },
  {
    category: "部门",
    // an appeal restored the full score: the finding is still counted, the fault is not a loss
    leaves: { "1.1": leaf(4, 4), "1.2": leaf(3, 3), "2": leaf(0, 2), "3": leaf(0, 0), "4": leaf(0, 0) },
    deductions: { "1.1": [{ fault: "gap", source: "抽查发现#9" }] },
  },
  { category: "街道", leaves: { "1.1": leaf(10, 10) }, deductions: {} },
];

describe("loss analysis", () => {
  const analysis = analyseLosses(defs, units);
  const dept = analysis[0];

  it("counts units, losing units, shares and average points lost per indicator", () => {
    expect(analysis.map((c) => [c.category, c.units])).toEqual([
      ["部门", 4],
      ["街道", 1],
    ]);
    // bonus and veto items are not losses
    expect(dept.indicators.map((i) => i.id)).toEqual(["1.1", "1.2", "4"]);
    const [catalogue, reading, penalty] = dept.indicators;
    // 1.1: lost 1 + 2 + 2.33 = 5.33 over 4 units → 1.3325 → 1.33; 3 of 4 lost → 75%
    expect(catalogue).toMatchObject({ applicable: 4, losing: 3, sharePct: 75, totalLost: 5.33, averageLost: 1.33, findings: 2 });
    // 1.2: N/A for one unit; 1 of 3 lost 0.5 → 33.33%, 0.5 / 3 = 0.1667 → 0.17
    expect(reading).toMatchObject({ applicable: 3, losing: 1, sharePct: 33.33, totalLost: 0.5, averageLost: 0.17, findings: 0 });
    // penalty item: 1.5 deducted from one of 4 units → 25%, 0.375 → 0.38 (half up)
    expect(penalty).toMatchObject({ applicable: 4, losing: 1, sharePct: 25, totalLost: 1.5, averageLost: 0.38, findings: 1 });
    expect(analysis[1].indicators[0]).toMatchObject({ applicable: 1, losing: 0, sharePct: 0, totalLost: 0, averageLost: 0 });
  });

  it("names the most frequent problems, once per losing unit, with how many came from spot checks", () => {
    expect(dept.indicators[0].problems).toEqual([
      { label: "未按时更新", units: 3, fromFindings: 1 },
      { label: "目录缺项", units: 1, fromFindings: 0 },
    ]);
    expect(dept.indicators[1].problems).toEqual([{ label: "解读材料未同步发布", units: 1, fromFindings: 0 }]);
    expect(dept.indicators[2].problems).toEqual([{ label: "泄露隐私", units: 1, fromFindings: 1 }]);
  });

  it("ranks the widest losses and writes the common-problems paragraph from them", () => {
    expect(topLosses(dept, 2).map((i) => i.id)).toEqual(["1.1", "4"]);
    expect(topLosses(analysis[1], 3)).toEqual([]);
    const paragraphs = commonProblemsText(analysis, 2);
    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]).toBe("从失分情况看，共性问题主要集中在以下方面。");
    const text = paragraphs[1];
    expect(text).toMatch(/^部门（4个单位）：/);
    expect(text).toContain("部门（4个单位）：“目录更新”有3个单位失分（占75.00%，平均失分1.33分），主要问题为未按时更新（3个单位，其中抽查发现1个）、目录缺项（1个单位）");
    expect(text).toContain("“扣分项”有1个单位失分（占25.00%，平均失分0.38分），主要问题为泄露隐私（1个单位，其中抽查发现1个）。");
    expect(text).not.toContain("政策解读");
    expect(paragraphs.join("")).not.toContain("街道");
  });

  it("says so when no unit lost points", () => {
    expect(commonProblemsText(analyseLosses(defs.slice(1), units.slice(4)))).toEqual(["本年度各单位均未在考核指标上失分。"]);
  });

  it("refuses a unit of a category without an indicator set", () => {
    expect(() => analyseLosses(defs, [{ category: "乡镇", leaves: {}, deductions: {} }])).toThrow(/乡镇/);
  });
});
