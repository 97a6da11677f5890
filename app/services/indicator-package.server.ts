import { asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { categories, cycles, indicatorSets } from "../../db/schema";
import type { AssessmentPackageInput, IndicatorNode, IndicatorSet } from "../../scoring";
import { toPackageNodes } from "../domain/indicator-spec";
import { categoryRulesFields, packageFormatFor } from "../domain/package-format";
import { loadTree, toSpecs } from "./indicator-tree.server";
import { DomainError } from "../domain/domain-error";

type CycleRow = typeof cycles.$inferSelect;

/**
 * A cycle's package from its indicator sets and units: the cycle's engine settings, and the format
 * the sets need (`zwgk-assessment/2` once one uses the rule language of issue 13, else `/1`).
 */
export function assemblePackage(cycle: CycleRow, indicatorSets: IndicatorSet[], units: AssessmentPackageInput["units"]): AssessmentPackageInput {
  return { ...packageSettings(cycle), format: packageFormatFor(indicatorSets), indicatorSets, units };
}

/** One category's indicator set in the package: its tree and the category's own settings, if any. */
export function packageIndicatorSet(cycle: CycleRow, categoryId: number, category: string, indicators: IndicatorNode[]): IndicatorSet {
  return { category, indicators, ...categoryRulesFields(cycle.settings.categoryRules?.[String(categoryId)]) };
}

/** The engine settings of a cycle as package fields (the format comes from its sets: assemblePackage). */
function packageSettings(cycle: CycleRow): Omit<AssessmentPackageInput, "indicatorSets" | "units" | "format"> {
  const s = cycle.settings;
  return {
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
 * A cycle as a package skeleton: its settings and every indicator set (in
 * category order), no units. Anyone can add unit inputs and score it with `npm run score`.
 */
export function packageSkeleton(db: Db | Tx, cycleId: number): AssessmentPackageInput {
  const cycle = db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
  if (!cycle) throw new DomainError("notFound", "该考核年度不存在。");
  const sets = db
    .select({ id: indicatorSets.id, categoryId: indicatorSets.categoryId, category: categories.name })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .where(eq(indicatorSets.cycleId, cycleId))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
  const indicatorSetsOut = sets.map((s) => packageIndicatorSet(cycle, s.categoryId, s.category, toPackageNodes(toSpecs(loadTree(db, s.id)))));
  return assemblePackage(cycle, indicatorSetsOut, []);
}
