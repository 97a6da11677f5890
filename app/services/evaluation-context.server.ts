import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { cycleAllows, statusesAllowing } from "../domain/cycle-capabilities";
import type { Db, Tx } from "../../db/client";
import {
  categories,
  cycles,
  cycleTransitions,
  evaluatorAssignments,
  indicatorNodes,
  indicatorSets,
  submissionAnswers,
  submissions,
  units,
  users,
} from "../../db/schema";
import type { LeafInput } from "../../scoring";
import { STALE_MESSAGE } from "../domain/evaluation-labels";
import { scoredLeaves, type ScoredLeaf, type StoredIndicator } from "../domain/indicator-spec";
import { beijingDayStart, beijingToday } from "../utils/beijing-time";
import { preparedStatement } from "../utils/prepared-statement.server";
import { loadTree } from "./indicator-tree.server";

/**
 * Shared reads for third-party evaluation (assignments, reviews, spot checks, arbitration, appeals,
 * the cycle package): cycles by phase, the cycle's population, each unit's leaves, the
 * department's self-assessment. Works on the database or inside a transaction.
 */

export type Reader = Db | Tx;
export type CycleRow = typeof cycles.$inferSelect;
export type AssignmentRow = typeof evaluatorAssignments.$inferSelect;

export { STALE_MESSAGE };

/** Evaluators work (assignments, entries, sign-off, spot checks) while the cycle allows it. */
export function assertEvaluationOpen(cycle: CycleRow): void {
  if (!cycleAllows(cycle.status, "evaluate")) {
    throw new DomainError("conflict", `${cycle.year}年度考核当前不在评审阶段，不能修改评估数据`);
  }
}

export function getCycle(db: Reader, cycleId: number): CycleRow {
  const cycle = db.select().from(cycles).where(eq(cycles.id, cycleId)).get();
  if (!cycle) throw new DomainError("notFound", "考核年度不存在");
  return cycle;
}

export function cycleByYear(db: Reader, year: number): CycleRow | undefined {
  return db.select().from(cycles).where(eq(cycles.year, year)).get();
}

/** Cycles the office manages evaluation in (not drafts), newest first. */
export function evaluationCycles(db: Reader): CycleRow[] {
  return db
    .select()
    .from(cycles)
    .where(inArray(cycles.status, statusesAllowing("visible")))
    .orderBy(desc(cycles.year))
    .all();
}

/** The cycle chosen by `?cycle=<year>`, else the newest non-draft one. */
export function pickCycle(db: Reader, yearParam: string | null): CycleRow | null {
  if (yearParam && /^\d{4}$/.test(yearParam)) {
    const c = cycleByYear(db, Number(yearParam));
    if (c && cycleAllows(c.status, "visible")) return c;
  }
  return evaluationCycles(db)[0] ?? null;
}

export interface CycleUnit {
  id: number;
  code: string;
  name: string;
  categoryId: number;
  categoryName: string;
}

/**
 * The cycle's population: active units of every category that has an indicator set in the cycle.
 * Plain rows (no column mapping), the category names put in from the few categories (a recompute
 * lists every unit: one string per row fewer to read).
 */
export function cycleUnits(db: Reader, cycleId: number): CycleUnit[] {
  const names = new Map(db.all<{ id: number; name: string }>(sql`SELECT id, name FROM categories`).map((c) => [c.id, c.name]));
  const rows = db.all<CycleUnit>(sql`SELECT u.id, u.code, u.name, u.category_id AS categoryId
    FROM units u JOIN categories c ON c.id = u.category_id
    JOIN indicator_sets s ON s.category_id = u.category_id AND s.cycle_id = ${cycleId}
    WHERE u.active = 1
    ORDER BY c.sort_order, u.sort_order, u.code`);
  for (const r of rows) r.categoryName = names.get(r.categoryId)!;
  return rows;
}

/**
 * How many units cycleUnits lists (optionally only those of one category), without reading them:
 * the index units_category_active_idx answers the count (the ranking page asks on every request).
 */
export function cycleUnitCount(db: Db, cycleId: number, categoryName: string | null = null): number {
  const row = preparedStatement(
    db.$client,
    `SELECT COUNT(*) AS n FROM units u
     WHERE u.active = 1 AND u.category_id IN (
       SELECT s.category_id FROM indicator_sets s JOIN categories c ON c.id = s.category_id
       WHERE s.cycle_id = @cycleId AND (@category IS NULL OR c.name = @category))`,
  ).get({ cycleId, category: categoryName }) as { n: number };
  return row.n;
}

export function getUnit(db: Reader, unitId: number): CycleUnit {
  const row = db
    .select({ id: units.id, code: units.code, name: units.name, categoryId: units.categoryId, categoryName: categories.name })
    .from(units)
    .innerJoin(categories, eq(categories.id, units.categoryId))
    .where(eq(units.id, unitId))
    .get();
  if (!row) throw new DomainError("notFound", "单位不存在");
  return row;
}

export interface SetTree {
  setId: number;
  tree: StoredIndicator[];
  leaves: ScoredLeaf[];
}

export function setFor(db: Reader, cycleId: number, categoryId: number): SetTree | null {
  const set = db
    .select({ id: indicatorSets.id })
    .from(indicatorSets)
    .where(and(eq(indicatorSets.cycleId, cycleId), eq(indicatorSets.categoryId, categoryId)))
    .get();
  if (!set) return null;
  const tree = loadTree(db, set.id);
  return { setId: set.id, tree, leaves: scoredLeaves(tree) };
}

/** The cycle and unit category a node belongs to (via its indicator set), with the node row. */
export function nodeOwner(db: Reader, nodeId: number): { cycleId: number; categoryId: number; setId: number } | null {
  const node = db.select({ setId: indicatorNodes.setId }).from(indicatorNodes).where(eq(indicatorNodes.id, nodeId)).get();
  if (!node) return null;
  const set = db.select().from(indicatorSets).where(eq(indicatorSets.id, node.setId)).get();
  return set ? { cycleId: set.cycleId, categoryId: set.categoryId, setId: set.id } : null;
}

export interface SelfAnswer {
  submissionId: number;
  input: LeafInput | null;
  narrative: string;
}

/** The department's submission and saved answers (by node id) for a unit in a cycle. */
export function selfAssessment(db: Reader, cycleId: number, unitId: number): { submission: typeof submissions.$inferSelect | null; answers: Map<number, SelfAnswer> } {
  const submission = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.cycleId, cycleId), eq(submissions.unitId, unitId)))
    .get();
  if (!submission) return { submission: null, answers: new Map() };
  const rows = db.select().from(submissionAnswers).where(eq(submissionAnswers.submissionId, submission.id)).all();
  return {
    submission,
    answers: new Map(rows.map((r) => [r.nodeId, { submissionId: submission.id, input: (r.input as LeafInput | null) ?? null, narrative: r.narrative }])),
  };
}

export function userName(db: Reader, userId: number | null): string {
  if (userId === null) return "系统";
  const u = db.select({ displayName: users.displayName, username: users.username }).from(users).where(eq(users.id, userId)).get();
  return u ? `${u.displayName}（${u.username}）` : `用户#${userId}`;
}

// ---------------------------------------------------------------- appeal window

export interface AppealWindow {
  /** Beijing date the cycle entered 初步结果, or null if it has not. */
  opened: string | null;
  /** Last Beijing date appeals are accepted (through the end of that day). */
  lastDay: string | null;
  open: boolean;
  /** When the office closed the window before it ran out (提前结束复核期), else null. */
  closedEarlyAt: string | null;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The appeal window (复核申请期限): from the day the cycle entered 初步结果 through the end
 * (Beijing time) of the day `appealWindowDays` calendar days later, unless the office closed it
 * early (closeAppealWindow in appeals.server.ts). Open only while the cycle is in 初步结果.
 */
export function appealWindow(db: Reader, cycle: CycleRow, now = new Date()): AppealWindow {
  if (!cycleAllows(cycle.status, "resultsOut")) return { opened: null, lastDay: null, open: false, closedEarlyAt: null };
  const t = db
    .select({ at: cycleTransitions.at })
    .from(cycleTransitions)
    .where(and(eq(cycleTransitions.cycleId, cycle.id), eq(cycleTransitions.toStatus, "preliminary")))
    .orderBy(desc(cycleTransitions.id))
    .limit(1)
    .get();
  const opened = beijingToday(new Date(t?.at ?? cycle.updatedAt));
  const lastDay = addDays(opened, cycle.appealWindowDays);
  const closesAt = beijingDayStart(addDays(lastDay, 1)).getTime();
  const closedEarlyAt = cycle.appealsClosedAt;
  return { opened, lastDay, open: cycleAllows(cycle.status, "appeal") && closedEarlyAt === null && now.getTime() < closesAt, closedEarlyAt };
}
