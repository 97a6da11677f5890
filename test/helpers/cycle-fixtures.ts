import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { categories, cycles, indicatorNodes, indicatorSets, units, type CycleStatus } from "../../db/schema";
import { defaultCycleSettings } from "../../app/domain/cycle-defaults";
import { defaultCalendar } from "../../app/services/holiday-arrangements.server";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { replaceTree } from "../../app/services/indicator-tree.server";

/**
 * Cycles written straight into the tables for tests of the modules that come after the cycle
 * service (self-inspection, evaluation, results), and the indicator items their trees share.
 */

/** 公开差错: a deduction leaf (faults 更新不及时 2 points, 内容差错 1 point). */
export function publicationErrorsLeaf(code: string, points: number): IndicatorSpec {
  return {
    code,
    name: "公开差错",
    points,
    rule: {
      type: "deduction",
      faults: [
        { code: "late", label: "更新不及时", points: 2 },
        { code: "error", label: "内容差错", points: 1 },
      ],
    },
  };
}

/** 公文属性标注率: a ratio leaf with target 100 %. */
export function labellingRateLeaf(code: string, points = 10): IndicatorSpec {
  return { code, name: "公文属性标注率", points, rule: { type: "ratio", target: 1 } };
}

/** 新闻发布会: a tiers leaf (1 conference → 5 points, 2 or more → 10). */
export function pressConferencesLeaf(code: string, points = 10): IndicatorSpec {
  return {
    code,
    name: "新闻发布会",
    points,
    rule: {
      type: "tiers",
      tiers: [
        { min: 1, points: 5 },
        { min: 2, points: 10 },
      ],
    },
  };
}

/** 单项否决 with its one veto leaf `<code>.1` 重大失泄密. */
export function vetoBranch(code: string): IndicatorSpec {
  return { code, name: "单项否决", part: "veto", points: 0, children: [{ code: `${code}.1`, name: "重大失泄密", points: 0, rule: { type: "veto" } }] };
}

export interface CycleRow {
  status: CycleStatus;
  /** selfInspectionDue, "YYYY-MM-DD" (default: 30 November of the year). */
  due?: string;
  settings?: Partial<ReturnType<typeof defaultCycleSettings>>;
}

/** A cycle with one indicator set per category, each holding `tree`; answers the cycle id. */
export function insertCycle(year: number, tree: IndicatorSpec[], row: CycleRow): number {
  const db = getDb();
  const at = new Date().toISOString();
  const cycle = db
    .insert(cycles)
    .values({
      year,
      title: `${year}年度政务公开工作考核`,
      settings: { ...defaultCycleSettings(), ...row.settings },
      calendar: defaultCalendar(year),
      selfInspectionDue: row.due ?? `${year}-11-30`,
      status: row.status,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  for (const cat of db.select().from(categories).all()) {
    const set = db.insert(indicatorSets).values({ cycleId: cycle.id, categoryId: cat.id, createdAt: at, updatedAt: at }).returning().get();
    db.transaction((tx) => replaceTree(tx, set.id, tree));
  }
  return cycle.id;
}

/** The node id of a leaf code in the set the unit's category uses in the cycle. */
export function leafNodeId(cycleId: number, unitCode: string, code: string): number {
  const db = getDb();
  const unit = db.select().from(units).where(eq(units.code, unitCode)).get()!;
  const set = db
    .select()
    .from(indicatorSets)
    .where(and(eq(indicatorSets.cycleId, cycleId), eq(indicatorSets.categoryId, unit.categoryId)))
    .get()!;
  return db
    .select()
    .from(indicatorNodes)
    .where(and(eq(indicatorNodes.setId, set.id), eq(indicatorNodes.code, code)))
    .get()!.id;
}
