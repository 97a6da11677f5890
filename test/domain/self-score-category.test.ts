import { describe, expect, it } from "vitest";
import { computeSelfScore, type PreviewContext } from "../../app/domain/self-score";

// The self-score preview grades the unit the way the year will: by its own category's grades and
// bonus gate when the category has them (issue 13, per-category settings), else by the cycle's.

function context(categoryRules?: PreviewContext["categoryRules"]): PreviewContext {
  return {
    title: "2030年度",
    opennessWeightPct: 4,
    settings: {
      scale: 100,
      bonusGate: 80,
      vetoScore: 0,
      passMark: 60,
      grades: [
        { name: "优秀", min: 90 },
        { name: "良好", min: 80 },
        { name: "合格", min: 60 },
        { name: "不合格", min: 0 },
      ],
      reconcile: "mean",
      divergence: 0.2,
    },
    calendar: { holidays: [], workdays: [] },
    indicators: [
      { code: "1", name: "信息公开", dimension: "disclosure", points: 100, rule: { type: "score" } },
      { code: "9", name: "创新加分", part: "bonus", points: 5, rule: { type: "score" } },
    ],
    categoryRules,
  };
}

const answers = { "1": { scores: [85] }, "9": { scores: [3] } };

describe("self-score preview per category", () => {
  it("uses the cycle's grades and gate when the category has none of its own", () => {
    const p = computeSelfScore(context(), answers)!;
    expect(p.total).toBe(88);
    expect(p.grade).toBe("良好");
  });

  it("uses the category's own grades and bonus gate", () => {
    const p = computeSelfScore(
      context({
        grades: [
          { name: "优秀", min: 85 },
          { name: "合格", min: 60 },
          { name: "不合格", min: 0 },
        ],
        bonusGate: { value: 90, comparison: "gte" },
      }),
      answers,
    )!;
    // Base 85 does not reach the category's gate of 90: no bonus, 85 = 优秀 by the category's grades.
    expect(p.bonus).toBe(0);
    expect(p.total).toBe(85);
    expect(p.grade).toBe("优秀");
  });
});
