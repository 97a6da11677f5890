import { asc, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cycles } from "../../db/schema";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import type { DashboardUnit, TrendYear } from "../domain/dashboard";
import { dimensionsUsed, gradeColour, KIND_LABELS } from "../domain/results-view";
import { listCycleSets } from "./cycles.server";
import { packageHeader } from "./results-export/source.server";
import { currentResults, unitSummaries } from "./results.server";
import { selfScores } from "./self-scores.server";

/**
 * Loader data of the leadership dashboard (领导看板): the chosen cycle's results (final snapshot or
 * preliminary), the self-assessment scores for the self-vs-evaluated chart, and every cycle's
 * totals (with their kind and category) for the year-over-year trend. The charts are computed client-side from this
 * (app/domain/dashboard.ts).
 */

export function dashboardData(db: Db, yearParam: string | null, categoryParam: string | null) {
  const all = db.select().from(cycles).where(ne(cycles.status, "draft")).orderBy(asc(cycles.year)).all();
  const withResults = all.map((c) => ({ cycle: c, meta: currentResults(db, c.id) })).filter((x) => x.meta !== null);
  const cycleList = all
    .slice()
    .reverse()
    .map((c) => ({ year: c.year, label: `${c.year}年度（${CYCLE_STATUS_LABELS[c.status]}）`, hasResults: withResults.some((x) => x.cycle.id === c.id) }));
  const chosen = withResults.find((x) => String(x.cycle.year) === yearParam) ?? withResults.at(-1);
  if (!chosen) return { cycles: cycleList, cycle: null };
  const meta = chosen.meta!;
  const header = packageHeader(db, meta);
  const summaries = unitSummaries(db, meta);
  const self = selfScores(db, chosen.cycle.id, header, `${meta.id}:${meta.revision}`);
  const categories = [...new Set(summaries.map((s) => s.category))];
  const category = categoryParam && categories.includes(categoryParam) ? categoryParam : null;
  const units: DashboardUnit[] = summaries
    .filter((s) => !category || s.category === category)
    .map((s) => ({
      unitId: s.unitId,
      id: s.id,
      name: s.name,
      category: s.category,
      total: s.total,
      grade: s.grade,
      colour: gradeColour(s.grade, header.grades),
      rank: s.rank,
      categoryRank: s.categoryRank,
      contribution: s.contribution,
      dimensions: s.dimensions,
      self: self.get(s.unitId)?.total ?? null,
    }));
  const trend: TrendYear[] = withResults.map((x) => ({
    year: x.cycle.year,
    kind: x.meta!.kind,
    population: Object.fromEntries(listCycleSets(x.cycle.id, db).map((set) => [set.categoryName, set.activeUnits])),
    totals: Object.fromEntries(unitSummaries(db, x.meta!).map((s) => [s.id, { total: s.total, category: s.category }])),
  }));
  return {
    cycles: cycleList,
    cycle: { year: chosen.cycle.year, title: chosen.cycle.title, kind: meta.kind, kindLabel: KIND_LABELS[meta.kind] },
    categories,
    category,
    grades: header.grades.map((g) => ({ ...g, colour: gradeColour(g.name, header.grades) })),
    dimensions: dimensionsUsed(summaries),
    opennessWeightPct: header.opennessWeightPct,
    scale: header.scale,
    units,
    trend,
  };
}
