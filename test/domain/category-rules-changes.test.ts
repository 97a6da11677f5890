import { describe, expect, it } from "vitest";
import { categoryRulesChanges } from "../../app/domain/category-rules";

// What the 修订记录 and the audit row say a change of a category's settings did.

describe("categoryRulesChanges", () => {
  it("names each changed setting with its old and new value, a blank side following the cycle", () => {
    expect(
      categoryRulesChanges(
        { opennessWeightPct: 4, grades: [{ name: "优秀", min: 90 }, { name: "合格", min: 0 }], bonusGate: { value: 80, comparison: "gt" } },
        { opennessWeightPct: 4.5, passMark: 60, bonusGate: { value: 44, comparison: "gte", part: "1" } },
      ),
    ).toEqual(["政务公开工作分值权重：4% → 4.5%", "合格线：沿用考核年度 → 60分", "等次：优秀90/合格0 → 沿用考核年度", "加分门槛：基础分高于80分 → “1”部分得分不低于44分"]);
  });

  it("is empty when nothing changes", () => {
    expect(categoryRulesChanges(undefined, {})).toEqual([]);
    expect(categoryRulesChanges({ passMark: 60 }, { passMark: 60 })).toEqual([]);
  });
});
