import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { cycles } from "../../db/schema";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { insertCycle, labellingRateLeaf, pressConferencesLeaf, publicationErrorsLeaf, vetoBranch } from "./cycle-fixtures";

export { leafNodeId } from "./cycle-fixtures";

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
      publicationErrorsLeaf("1.2", 10),
      labellingRateLeaf("1.3"),
      pressConferencesLeaf("1.4"),
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
  vetoBranch("4"),
];

export function createPublishedCycle(year: number, due: string): number {
  return insertCycle(year, SELF_TREE, { status: "published", due });
}

export function setSelfInspectionDue(cycleId: number, due: string): void {
  getDb().update(cycles).set({ selfInspectionDue: due }).where(eq(cycles.id, cycleId)).run();
}

/** "YYYY-MM-DD" in Beijing, `days` from now. */
export function beijingDay(days: number, now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A day `days` after both today (Beijing) and the demo's deadline (2026-11-30), whenever the test runs. */
export function dayAfterDemoDeadline(days: number): string {
  return [beijingDay(days), `2026-12-${String(10 + days).padStart(2, "0")}`].sort().at(-1)!;
}
