import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { cycles, cycleTransitions, submissionAnswers, submissions, units, users, type CycleStatus } from "../../db/schema";
import type { IndicatorSpec } from "../../app/domain/indicator-spec";
import type { LeafInput } from "../../scoring";
import { insertCycle, labellingRateLeaf, type CycleRow, leafNodeId, pressConferencesLeaf, publicationErrorsLeaf, vetoBranch } from "./cycle-fixtures";

export { leafNodeId } from "./cycle-fixtures";

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
      publicationErrorsLeaf("1.2", 20),
      labellingRateLeaf("1.3"),
      pressConferencesLeaf("1.4"),
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
  vetoBranch("3"),
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

export function createCycle(year: number, status: CycleStatus, opts: { submittedUnitCodes?: string[]; settings?: CycleRow["settings"] } = {}): FixtureCycle {
  const cycleId = insertCycle(year, TEST_TREE, { status, settings: opts.settings });
  for (const code of opts.submittedUnitCodes ?? []) submitSelfInspection(cycleId, code);
  return { cycleId, year };
}

export function submitSelfInspection(cycleId: number, unitCode: string, inputs: Record<string, LeafInput> = SELF_INPUTS): number {
  const db = getDb();
  const unit = db.select().from(units).where(eq(units.code, unitCode)).get()!;
  const at = new Date().toISOString();
  const sub = db.insert(submissions).values({ cycleId, unitId: unit.id, status: "submitted", submittedAt: at, lastActivityAt: at, createdAt: at }).returning().get();
  for (const [code, input] of Object.entries(inputs)) {
    db.insert(submissionAnswers)
      .values({ submissionId: sub.id, nodeId: leafNodeId(cycleId, unitCode, code), input: input as Record<string, unknown>, narrative: `${code} 自查说明`, updatedAt: at })
      .run();
  }
  return sub.id;
}

export function setCycleStatus(cycleId: number, status: CycleStatus, at = new Date().toISOString()): void {
  const db = getDb();
  const c = db.select().from(cycles).where(eq(cycles.id, cycleId)).get()!;
  db.update(cycles).set({ status, updatedAt: at }).where(eq(cycles.id, cycleId)).run();
  db.insert(cycleTransitions).values({ cycleId, fromStatus: c.status, toStatus: status, at }).run();
}

export const unitIdOf = (code: string) => getDb().select().from(units).where(eq(units.code, code)).get()!.id;
export const userIdOf = (username: string) => getDb().select().from(users).where(eq(users.username, username)).get()!.id;
