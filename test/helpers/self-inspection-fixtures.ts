import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { categories, cycles, indicatorNodes, indicatorSets, units } from "../../db/schema";
import { defaultCalendar, defaultCycleSettings } from "../../app/domain/cycle-defaults";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { replaceTree } from "../../app/services/indicator-tree.server";

/**
 * A published cycle for self-inspection tests, written straight into the tables: one indicator
 * set per demo category with a leaf of every rule type (100 base points), a working-day and an
 * hours timeliness item, a veto item, and one leaf that requires evidence (PDF or images only).
 */
export const SELF_TREE: IndicatorSpec[] = [
  {
    code: "1",
    name: "信息公开",
    dimension: "disclosure",
    points: 50,
    children: [
      {
        code: "1.1",
        name: "主动公开",
        points: 20,
        rule: { type: "score" },
        guidance: "按要求主动公开政府信息，重点检查政府网站专栏",
        criteria: "专栏完整得满分",
        evidenceRequired: true,
        evidenceKinds: ["pdf", "jpeg", "png"],
      },
      {
        code: "1.2",
        name: "公开差错",
        points: 10,
        rule: {
          type: "deduction",
          faults: [
            { code: "late", label: "更新不及时", points: 2 },
            { code: "error", label: "内容差错", points: 1 },
          ],
        },
      },
      { code: "1.3", name: "公文属性标注率", points: 10, rule: { type: "ratio", target: 1 } },
      {
        code: "1.4",
        name: "新闻发布会",
        points: 10,
        rule: {
          type: "tiers",
          tiers: [
            { min: 1, points: 5 },
            { min: 2, points: 10 },
          ],
        },
      },
    ],
  },
  {
    code: "2",
    name: "政策解读",
    dimension: "interpretation",
    points: 30,
    children: [
      { code: "2.1", name: "文件印发后3个工作日内发布解读", points: 20, rule: { type: "timeliness", limit: { workingDays: 3 }, whenEmpty: "full" } },
      { code: "2.2", name: "解读质量", points: 10, rule: { type: "score" } },
    ],
  },
  {
    code: "3",
    name: "回应关切",
    dimension: "response",
    points: 20,
    children: [{ code: "3.1", name: "重大舆情5小时内发布权威信息", points: 20, rule: { type: "timeliness", limit: { hours: 5 }, whenEmpty: "full" } }],
  },
  { code: "4", name: "单项否决", part: "veto", points: 0, children: [{ code: "4.1", name: "重大失泄密", points: 0, rule: { type: "veto" } }] },
];

export function createPublishedCycle(year: number, due: string): number {
  const db = getDb();
  const at = new Date().toISOString();
  const cycle = db
    .insert(cycles)
    .values({
      year,
      title: `${year}年度政务公开工作考核`,
      settings: defaultCycleSettings(),
      calendar: defaultCalendar(year),
      selfInspectionDue: due,
      status: "published",
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  for (const cat of db.select().from(categories).all()) {
    const set = db.insert(indicatorSets).values({ cycleId: cycle.id, categoryId: cat.id, createdAt: at, updatedAt: at }).returning().get();
    db.transaction((tx) => replaceTree(tx, set.id, SELF_TREE));
  }
  return cycle.id;
}

export function setSelfInspectionDue(cycleId: number, due: string): void {
  getDb().update(cycles).set({ selfInspectionDue: due }).where(eq(cycles.id, cycleId)).run();
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

/** "YYYY-MM-DD" in Beijing, `days` from now. */
export function beijingDay(days: number, now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
