import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { categories, cycles, cycleTransitions, indicatorNodes, indicatorSets, submissionAnswers, submissions, units, users, type CycleStatus } from "../../db/schema";
import { defaultCalendar, defaultCycleSettings } from "../../app/domain/cycle-defaults";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import { replaceTree } from "../../app/services/indicator-tree.server";
import type { LeafInput } from "../../scoring";

/**
 * A small cycle for evaluation tests, written straight into the tables (the cycle and
 * self-inspection services belong to other modules): one indicator set per demo category covering
 * every rule type, and a submitted self-inspection for chosen units.
 */
export const TEST_TREE: IndicatorSpec[] = [
  {
    code: "1",
    name: "信息公开",
    dimension: "disclosure",
    points: 60,
    children: [
      { code: "1.1", name: "主动公开", points: 20, rule: { type: "score" }, guidance: "按要求主动公开政府信息" },
      {
        code: "1.2",
        name: "公开差错",
        points: 20,
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
    name: "回应关切",
    dimension: "response",
    points: 40,
    children: [
      { code: "2.1", name: "舆情回应", points: 20, rule: { type: "timeliness", limit: { hours: 5 }, whenEmpty: "full" } },
      { code: "2.2", name: "政策解读", points: 20, rule: { type: "score" } },
    ],
  },
  { code: "3", name: "单项否决", part: "veto", points: 0, children: [{ code: "3.1", name: "重大失泄密", points: 0, rule: { type: "veto" } }] },
];

/** The department's self-assessment per leaf code (the engine's input format). */
export const SELF_INPUTS: Record<string, LeafInput> = {
  "1.1": { scores: [18] },
  "1.2": { deductions: [{ fault: "late", count: 1 }] },
  "1.3": { numerator: 98, denominator: 100 },
  "1.4": { value: 2 },
  "2.1": { events: [{ start: "2026-03-02T09:00:00+08:00", end: "2026-03-02T12:00:00+08:00", label: "暴雨预警舆情" }] },
  "2.2": { scores: [19] },
  "3.1": { triggered: false },
};

export interface FixtureCycle {
  cycleId: number;
  year: number;
}

export function createCycle(year: number, status: CycleStatus, opts: { submittedUnitCodes?: string[]; settings?: Partial<ReturnType<typeof defaultCycleSettings>> } = {}): FixtureCycle {
  const db = getDb();
  const at = new Date().toISOString();
  const cycle = db
    .insert(cycles)
    .values({
      year,
      title: `${year}年度政务公开工作考核`,
      settings: { ...defaultCycleSettings(), ...opts.settings },
      calendar: defaultCalendar(year),
      selfInspectionDue: `${year}-11-30`,
      status,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  for (const cat of db.select().from(categories).all()) {
    const set = db.insert(indicatorSets).values({ cycleId: cycle.id, categoryId: cat.id, createdAt: at, updatedAt: at }).returning().get();
    db.transaction((tx) => replaceTree(tx, set.id, TEST_TREE));
  }
  for (const code of opts.submittedUnitCodes ?? []) submitSelfInspection(cycle.id, code);
  return { cycleId: cycle.id, year };
}

export function submitSelfInspection(cycleId: number, unitCode: string, inputs: Record<string, LeafInput> = SELF_INPUTS): number {
  const db = getDb();
  const unit = db.select().from(units).where(eq(units.code, unitCode)).get()!;
  const at = new Date().toISOString();
  const sub = db.insert(submissions).values({ cycleId, unitId: unit.id, status: "submitted", submittedAt: at, lastActivityAt: at, createdAt: at }).returning().get();
  for (const [code, input] of Object.entries(inputs)) {
    db.insert(submissionAnswers)
      .values({ submissionId: sub.id, nodeId: nodeIdOf(cycleId, unitCode, code), input: input as Record<string, unknown>, narrative: `${code} 自查说明`, updatedAt: at })
      .run();
  }
  return sub.id;
}

/** The node id of a leaf code in the set the unit's category uses in the cycle. */
export function nodeIdOf(cycleId: number, unitCode: string, code: string): number {
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

export function setCycleStatus(cycleId: number, status: CycleStatus, at = new Date().toISOString()): void {
  const db = getDb();
  const c = db.select().from(cycles).where(eq(cycles.id, cycleId)).get()!;
  db.update(cycles).set({ status, updatedAt: at }).where(eq(cycles.id, cycleId)).run();
  db.insert(cycleTransitions).values({ cycleId, fromStatus: c.status, toStatus: status, at }).run();
}

export const unitIdOf = (code: string) => getDb().select().from(units).where(eq(units.code, code)).get()!.id;
export const userIdOf = (username: string) => getDb().select().from(users).where(eq(users.username, username)).get()!.id;
