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
  /** unit code → total. */
  totals: Record<string, number>;
}

/** Per year in which any of the units was assessed: their mean total and the focus unit's total. */
export function trendData(years: readonly TrendYear[], codes: readonly string[], focus: string | null) {
  const wanted = new Set(codes);
  return years
    .slice()
    .sort((a, b) => a.year - b.year)
    .map((y) => {
      const values = Object.entries(y.totals)
        .filter(([code]) => wanted.has(code))
        .map(([, v]) => v);
      return { year: String(y.year), average: mean(values), unit: focus !== null ? (y.totals[focus] ?? null) : null };
    })
    .filter((y) => y.average !== null); // years in which none of these units was assessed say nothing
}

/** Each unit's 政务公开 contribution to its annual performance score, highest first. */
export function contributionData(units: readonly DashboardUnit[]) {
  return units
    .slice()
    .sort((a, b) => b.contribution - a.contribution || (a.id < b.id ? -1 : 1))
    .map((u) => ({ name: u.name, contribution: u.contribution, total: u.total, colour: u.colour }));
}
