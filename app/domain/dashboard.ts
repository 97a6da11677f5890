import type { Dimension } from "../../scoring";

/**
 * Chart data of the leadership dashboard, computed from the engine's stored figures (no score is
 * recomputed here; averages are presentation only, rounded to two places). Client-safe.
 */

export interface DashboardUnit {
  unitId: number;
  id: string;
  name: string;
  category: string;
  total: number;
  grade: string;
  colour: string;
  rank: number;
  categoryRank: number;
  contribution: number;
  dimensions: Partial<Record<Dimension, number>>;
  /** The engine's score of the unit's own self-assessment; null when it submitted none. */
  self: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return round2(values.reduce((s, v) => s + v, 0) / values.length);
}

/** Units per category in ranking order (the ranking bar charts, one per category). */
export function rankingByCategory(units: readonly DashboardUnit[]): { category: string; units: DashboardUnit[] }[] {
  const out = new Map<string, DashboardUnit[]>();
  for (const u of units) out.set(u.category, [...(out.get(u.category) ?? []), u]);
  return [...out].map(([category, list]) => ({ category, units: list.slice().sort((a, b) => a.categoryRank - b.categoryRank || (a.id < b.id ? -1 : 1)) }));
}

/** A unit's dimension scores against the average of its category. */
export function radarData(unit: DashboardUnit, all: readonly DashboardUnit[], dims: readonly { key: Dimension; label: string }[]) {
  const peers = all.filter((u) => u.category === unit.category);
  return dims.map((d) => ({
    key: d.key,
    label: d.label,
    unit: unit.dimensions[d.key] ?? 0,
    average: mean(peers.map((p) => p.dimensions[d.key]).filter((v): v is number => v !== undefined)) ?? 0,
  }));
}

/** Totals in bins of `width` points: [0,10), [10,20), …; the last bin is open-ended. */
export function histogram(units: readonly Pick<DashboardUnit, "total">[], width = 10, top = 100) {
  const bins: { label: string; from: number; to: number | null; count: number }[] = [];
  for (let from = 0; from < top; from += width) bins.push({ label: `${from}–${from + width}`, from, to: from + width, count: 0 });
  bins.push({ label: `${top}及以上`, from: top, to: null, count: 0 });
  for (const u of units) {
    const i = u.total >= top ? bins.length - 1 : Math.max(0, Math.floor(u.total / width));
    bins[i].count++;
  }
  // Leading empty bins say nothing; keep from the first non-empty one (at least the last few).
  const first = bins.findIndex((b) => b.count > 0);
  return first < 0 ? bins.slice(-5) : bins.slice(Math.min(first, bins.length - 5));
}

export function gradeCounts(units: readonly Pick<DashboardUnit, "grade">[], grades: readonly { name: string; min: number; colour: string }[]) {
  return grades
    .slice()
    .sort((a, b) => b.min - a.min)
    .map((g) => ({ grade: g.name, colour: g.colour, count: units.filter((u) => u.grade === g.name).length }));
}

/** Self score vs evaluated total; `overclaimers` are the units whose self score exceeds the evaluated one most. */
export function selfVsEvaluated(units: readonly DashboardUnit[], top = 5) {
  const points = units
    .filter((u) => u.self !== null)
    .map((u) => ({ unitId: u.unitId, name: u.name, self: u.self as number, evaluated: u.total, gap: round2((u.self as number) - u.total) }));
  const overclaimers = points
    .filter((p) => p.gap > 0)
    .sort((a, b) => b.gap - a.gap || (a.name < b.name ? -1 : 1))
    .slice(0, top);
  return { points, overclaimers };
}

export interface TrendYear {
  year: number;
  /** Which results the year has: only final results make the trend line. */
  kind: "preliminary" | "final";
  /** Active units of the cycle by category, for “4 of 14 units assessed”. */
  population: Record<string, number>;
  /** unit code → its total and category in that year's results. */
  totals: Record<string, { total: number; category: string }>;
}

export interface TrendPoint {
  year: string;
  /** Mean total of the year's units (of the category, when one is chosen); null for preliminary years, which the line leaves out. */
  average: number | null;
  /** The focus unit's total that year (null when not assessed or preliminary). */
  unit: number | null;
  preliminary: boolean;
  /** Units in the year's results (of the category) and the cycle's population. */
  assessed: number;
  population: number;
}

/**
 * One definition of a year's trend point, whichever cycle is viewed: the mean total of every unit
 * in that year's results (of `category`, by the unit's category that year), beside the focus
 * unit's total. A year with only preliminary results (some units not evaluated yet) is listed but
 * not drawn: its mean is not comparable with final years.
 */
export function trendData(years: readonly TrendYear[], category: string | null, focus: string | null): TrendPoint[] {
  return years
    .slice()
    .sort((a, b) => a.year - b.year)
    .map((y) => {
      const values = Object.values(y.totals)
        .filter((t) => category === null || t.category === category)
        .map((t) => t.total);
      const preliminary = y.kind === "preliminary";
      return {
        year: String(y.year),
        average: preliminary ? null : mean(values),
        unit: !preliminary && focus !== null ? (y.totals[focus]?.total ?? null) : null,
        preliminary,
        assessed: values.length,
        population: category === null ? Object.values(y.population).reduce((n, x) => n + x, 0) : (y.population[category] ?? 0),
      };
    })
    .filter((y) => y.assessed > 0); // years in which no unit of the category was assessed say nothing
}

/** How a trend year reads in the table: final years by their number, preliminary ones marked. */
export function trendYearLabel(p: TrendPoint): string {
  return p.preliminary ? `${p.year}（初步结果，${p.assessed}个单位已评估，不计入趋势）` : p.year;
}

/** The trend's note on years left off the line, e.g. “2026年度（4/14个单位已评估）仅有初步结果，不计入趋势”; empty when none. */
export function preliminaryNote(points: readonly TrendPoint[]): string {
  const years = points.filter((p) => p.preliminary);
  if (years.length === 0) return "";
  return `${years.map((p) => `${p.year}年度（${p.assessed}/${p.population}个单位已评估）`).join("、")}仅有初步结果，不计入趋势`;
}

/**
 * The one score axis of the dashboard's charts: 0 to the scale (100), or further when bonus points
 * take a total above it, in steps of 20 — every category's ranking and the trend on the same axis,
 * so a bar's length means the same score everywhere.
 */
export function scoreAxis(scale: number, values: readonly number[]): { max: number; ticks: number[] } {
  const max = Math.max(scale, Math.ceil(Math.max(0, ...values) / 10) * 10);
  const step = max % 20 === 0 ? 20 : 10;
  const ticks: number[] = [];
  for (let t = 0; t < max; t += step) ticks.push(t);
  ticks.push(max);
  return { max, ticks };
}

/** Each unit's 政务公开 contribution to its annual performance score, highest first. */
export function contributionData(units: readonly DashboardUnit[]) {
  return units
    .slice()
    .sort((a, b) => b.contribution - a.contribution || (a.id < b.id ? -1 : 1))
    .map((u) => ({ name: u.name, contribution: u.contribution, total: u.total, colour: u.colour }));
}
