import { describe, expect, it } from "vitest";
import { NAVIGATION } from "../../app/navigation";

describe("role navigation", () => {
  for (const [role, items] of Object.entries(NAVIGATION)) {
    it(`${role}: no two entries share a label or lead to the same page`, () => {
      const labels = items.map((i) => i.label);
      const targets = items.map((i) => i.to);
      expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
      expect(targets.filter((t, i) => targets.indexOf(t) !== i)).toEqual([]);
    });
  }

  it("a department has one results entry (its score cards) and a separate appeals entry", () => {
    const dept = NAVIGATION.department;
    expect(dept.filter((i) => i.label.includes("考核结果"))).toEqual([{ to: "/results", label: "考核结果" }]);
    expect(dept).toContainEqual({ to: "/appeals", label: "复核申请" });
    // The office uses the same words for the same pages.
    expect(NAVIGATION.office).toEqual(expect.arrayContaining([{ to: "/results", label: "考核结果" }, { to: "/appeals", label: "复核申请" }]));
  });
});
