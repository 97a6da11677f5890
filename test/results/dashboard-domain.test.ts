import { describe, expect, it } from "vitest";
import { escapeCell } from "../../app/domain/cell-escape";
import { gradeCounts, histogram, radarData, rankingByCategory, selfVsEvaluated, trendData, type DashboardUnit, type TrendYear } from "../../app/domain/dashboard";

const unit = (id: string, category: string, total: number, self: number | null, extra: Partial<DashboardUnit> = {}): DashboardUnit => ({
  unitId: Number(id.replace(/\D/g, "")),
  id,
  name: `单位${id}`,
  category,
  total,
  grade: total >= 90 ? "优秀" : total >= 60 ? "合格" : "不合格",
  colour: "#000",
  rank: 0,
  categoryRank: 0,
  contribution: total / 20,
  dimensions: { disclosure: total / 2, response: total / 4 },
  self,
  ...extra,
});

const UNITS = [unit("A1", "甲", 95, 96, { categoryRank: 1 }), unit("A2", "甲", 70, 88, { categoryRank: 2 }), unit("B1", "乙", 55, 70, { categoryRank: 1 }), unit("B2", "乙", 100, null, { categoryRank: 1 })];

describe("dashboard chart data", () => {
  it("groups the ranking by category in category order", () => {
    expect(rankingByCategory(UNITS).map((g) => [g.category, g.units.map((u) => u.id)])).toEqual([
      ["甲", ["A1", "A2"]],
      ["乙", ["B1", "B2"]],
    ]);
  });

  it("bins totals (open last bin) and counts grades best first", () => {
    const bins = histogram(UNITS);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(bins.find((b) => b.label === "100及以上")!.count).toBe(1);
    expect(bins.find((b) => b.label === "50–60")!.count).toBe(1);
    const grades = [
      { name: "合格", min: 60, colour: "b" },
      { name: "优秀", min: 90, colour: "a" },
      { name: "不合格", min: 0, colour: "c" },
    ];
    expect(gradeCounts(UNITS, grades)).toEqual([
      { grade: "优秀", colour: "a", count: 2 },
      { grade: "合格", colour: "b", count: 1 },
      { grade: "不合格", colour: "c", count: 1 },
    ]);
  });

  it("compares a unit with its own category's average", () => {
    const r = radarData(UNITS[0], UNITS, [{ key: "disclosure", label: "信息公开" }]);
    expect(r).toEqual([{ key: "disclosure", label: "信息公开", unit: 47.5, average: 41.25 }]);
  });

  it("names the units whose self score exceeds the evaluated one most", () => {
    const s = selfVsEvaluated(UNITS, 2);
    expect(s.points).toHaveLength(3); // B2 submitted no self-assessment
    expect(s.overclaimers.map((o) => [o.name, o.gap])).toEqual([
      ["单位A2", 18],
      ["单位B1", 15],
    ]);
  });

  it("trends the mean of the chosen units per year, skipping years they were not assessed", () => {
    const years: TrendYear[] = [
      { year: 2026, totals: { A1: 90, A2: 80, Z: 10 } },
      { year: 2024, totals: { Z: 50 } },
      { year: 2025, totals: { A1: 85 } },
    ];
    expect(trendData(years, ["A1", "A2"], "A2")).toEqual([
      { year: "2025", average: 85, unit: null },
      { year: "2026", average: 85, unit: 80 },
    ]);
  });
});

describe("spreadsheet formula-injection escaping", () => {
  it("prefixes text starting with = + - @ tab or CR with an apostrophe, and leaves other text alone", () => {
    for (const t of ["=1+2", "+86", "-5", "@SUM(A1)", "\t=1", "\r=1"]) expect(escapeCell(t)).toBe(`'${t}`);
    for (const t of ["区教育局", "1=1", "", "'quoted"]) expect(escapeCell(t)).toBe(t);
  });
});
