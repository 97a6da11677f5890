import { describe, expect, it } from "vitest";
import { escapeCell } from "../../app/domain/cell-escape";
import { gradeCounts, histogram, radarData, rankingByCategory, preliminaryNote, scoreAxis, selfVsEvaluated, trendData, trendYearLabel, type DashboardUnit, type TrendYear } from "../../app/domain/dashboard";

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

  it("trends each year by one definition: the mean of all its units (of the category), whichever year is viewed", () => {
    const t = (total: number, category = "甲") => ({ total, category });
    const years: TrendYear[] = [
      { year: 2026, kind: "final", population: { 甲: 2, 乙: 1 }, totals: { A1: t(90), A2: t(80), Z: t(10, "乙") } },
      { year: 2024, kind: "final", population: { 甲: 2, 乙: 1 }, totals: { Z: t(50, "乙") } },
      { year: 2025, kind: "final", population: { 甲: 2, 乙: 1 }, totals: { A1: t(85) } },
    ];
    const point = (year: string, average: number, unit: number | null, assessed: number, population: number) => ({ year, average, unit, preliminary: false, assessed, population });
    expect(trendData(years, "甲", "A2")).toEqual([point("2025", 85, null, 1, 2), point("2026", 85, 80, 2, 2)]);
    expect(trendData(years, null, null)).toEqual([point("2024", 50, null, 1, 3), point("2025", 85, null, 1, 3), point("2026", 60, null, 3, 3)]);
  });

  it("leaves a preliminary year off the line and marks it in the table", () => {
    const totals = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`U${i}`, { total: 60 + i, category: "甲" }]));
    const years: TrendYear[] = [
      { year: 2025, kind: "final", population: { 甲: 14 }, totals: totals(14) },
      { year: 2026, kind: "preliminary", population: { 甲: 14 }, totals: totals(4) },
    ];
    const [y2025, y2026] = trendData(years, null, "U1");
    expect(y2025).toMatchObject({ average: 66.5, unit: 61, preliminary: false });
    expect(y2026).toMatchObject({ average: null, unit: null, preliminary: true, assessed: 4, population: 14 });
    expect(trendYearLabel(y2025)).toBe("2025");
    expect(trendYearLabel(y2026)).toBe("2026（初步结果，4个单位已评估，不计入趋势）");
    expect(preliminaryNote([y2025, y2026])).toBe("2026年度（4/14个单位已评估）仅有初步结果，不计入趋势");
    expect(preliminaryNote([y2025])).toBe("");
  });

  it("runs every score axis from 0 to the scale, or further only when a total exceeds it", () => {
    expect(scoreAxis(100, [78.37, 64.2])).toEqual({ max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(scoreAxis(100, [])).toEqual({ max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(scoreAxis(100, [103.5])).toEqual({ max: 110, ticks: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110] });
  });
});

describe("spreadsheet formula-injection escaping", () => {
  it("prefixes text starting with = + - @ tab or CR with an apostrophe, and leaves other text alone", () => {
    for (const t of ["=1+2", "+86", "-5", "@SUM(A1)", "\t=1", "\r=1"]) expect(escapeCell(t)).toBe(`'${t}`);
    for (const t of ["区教育局", "1=1", "", "'quoted"]) expect(escapeCell(t)).toBe(t);
  });
});
