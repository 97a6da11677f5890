import { and, asc, count, eq } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import type { Db, Tx } from "../../db/client";
import { categories, indicatorSets, units, type cycles } from "../../db/schema";
import { calendarCoverage, missingArrangementMessage } from "../domain/calendar-coverage";
import { CYCLE_PRECONDITIONS, type CyclePreconditionId } from "../domain/cycle-status";
import { appealsSettled, noUnresolvedDivergences } from "./arbitration.server";
import { allUnitsEvaluated, designatedValuesMissing } from "./evaluation-completeness.server";
import { checkStoredSet } from "./indicator-tree.server";

export interface PreconditionContext {
  /** The connection (inside a step's transaction, its reads see the transaction's writes): some checks run raw SQL. */
  db: Db;
  cycle: typeof cycles.$inferSelect;
}

/** A precondition check: the problems found (in Chinese), empty when satisfied. */
export type PreconditionCheck = (ctx: PreconditionContext) => string[];

/** Active units per category that has any, in category order. */
function activeCategories(db: Db | Tx) {
  return db
    .select({ id: categories.id, name: categories.name, unitCount: count(units.id) })
    .from(categories)
    .innerJoin(units, and(eq(units.categoryId, categories.id), eq(units.active, true)))
    .groupBy(categories.id)
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
}

/**
 * The implementation of every precondition id in CYCLE_PRECONDITIONS (app/domain/cycle-status.ts).
 * The Record type makes the compiler insist that each declared id has a check.
 */
export const PRECONDITION_CHECKS: Record<CyclePreconditionId, PreconditionCheck> = {
  setsForAllCategories: ({ db, cycle }) => {
    const withSet = new Set(
      db.select({ categoryId: indicatorSets.categoryId }).from(indicatorSets).where(eq(indicatorSets.cycleId, cycle.id)).all().map((r) => r.categoryId),
    );
    return activeCategories(db)
      .filter((c) => !withSet.has(c.id))
      .map((c) => `类别“${c.name}”有${c.unitCount}个在用单位，但尚未配置指标体系`);
  },

  setsPassValidation: ({ db, cycle }) => {
    const sets = db
      .select({ id: indicatorSets.id, categoryName: categories.name })
      .from(indicatorSets)
      .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
      .where(eq(indicatorSets.cycleId, cycle.id))
      .orderBy(asc(categories.sortOrder), asc(categories.id))
      .all();
    const problems: string[] = [];
    for (const set of sets) {
      const report = checkStoredSet(db, set.id, { scale: cycle.settings.scale, label: `“${set.categoryName}”指标体系` });
      problems.push(...report.errors.map((e) => e.message));
    }
    return problems;
  },

  // Working-day deadlines are counted on this calendar: a year without its holidays is refused
  // until the office enters them or confirms that the year runs without (issue 14, item 6).
  calendarArranged: ({ cycle }) => (calendarCoverage(cycle.calendar, cycle.year).yearMissing ? [missingArrangementMessage(cycle.year)] : []),

  // Third-party evaluation (app/services/arbitration.server.ts): nothing is published while a
  // divergence is unresolved; nothing is final while an appeal is pending or the window is open.
  divergencesResolved: ({ db, cycle }) => {
    try {
      return noUnresolvedDivergences(db, cycle.id);
    } catch (error) {
      // The evaluation data cannot be scored (the engine's messages): certainly not publishable.
      if (error instanceof DomainError) return [error.message];
      throw error;
    }
  },
  // Finalising takes the final snapshot, which needs every unit's evaluation complete.
  allUnitsEvaluated: ({ db, cycle }) => allUnitsEvaluated(db, cycle.id),
  // A leaf scored from one named source (以县外网办评价为准) cannot be computed without its value.
  designatedValuesRecorded: ({ db, cycle }) => designatedValuesMissing(db, cycle.id),
  appealsSettled: ({ db, cycle }) => appealsSettled(db, cycle.id),
};

export interface PreconditionReport {
  id: CyclePreconditionId;
  label: string;
  problems: string[];
}

/** Evaluate preconditions in order; read-only, so the page can show them before the step. */
export function evaluatePreconditions(ctx: PreconditionContext, ids: readonly CyclePreconditionId[]): PreconditionReport[] {
  return ids.map((id) => ({ id, label: CYCLE_PRECONDITIONS[id], problems: PRECONDITION_CHECKS[id](ctx) }));
}
