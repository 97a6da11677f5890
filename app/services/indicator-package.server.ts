import { asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { categories, cycles, indicatorSets } from "../../db/schema";
import { PACKAGE_FORMAT, type AssessmentPackageInput, type IndicatorNode } from "../../scoring";
import { toPackageNodes } from "../domain/indicator-spec";
import { notFound } from "../utils/http.server";
import { loadTree, toSpecs } from "./indicator-tree.server";

type CycleRow = typeof cycles.$inferSelect;

/** The engine settings of a cycle as package fields. */
export function packageSettings(cycle: CycleRow): Omit<AssessmentPackageInput, "indicatorSets" | "units"> {
  const s = cycle.settings;
  return {
    format: PACKAGE_FORMAT,
    title: cycle.title,
    opennessWeightPct: cycle.opennessWeightPct,
    scale: s.scale,
    bonusGate: s.bonusGate,
    vetoScore: s.vetoScore,
    passMark: s.passMark,
    grades: s.grades.map((g) => ({ ...g })),
    reconcile: s.reconcile,
    divergence: s.divergence,
    calendar: { holidays: [...cycle.calendar.holidays], workdays: [...cycle.calendar.workdays] },
  };
}

/**
 * A cycle as a `zwgk-assessment/1` package skeleton: its settings and every indicator set (in
 * category order), no units. Anyone can add unit inputs and score it with `npm run score`.
 */
export function packageSkeleton(db: Db | Tx, cycleId: number): AssessmentPackageInput {
  const cycle = db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
  if (!cycle) throw notFound("该考核年度不存在。");
  const sets = db
    .select({ id: indicatorSets.id, category: categories.name })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
  const indicatorSetsOut: { category: string; indicators: IndicatorNode[] }[] = sets.map((s) => ({
    category: s.category,
    indicators: toPackageNodes(toSpecs(loadTree(db, s.id))),
  }));
  return { ...packageSettings(cycle), indicatorSets: indicatorSetsOut, units: [] };
}
