import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import { assignmentDraws, evaluatorAssignments, evaluatorEntries, submissions, units, users } from "../../db/schema";
import { drawAssignments, type DrawEvaluator, type DrawUnit, type UnitDraw } from "../domain/assignment-draw";
import { newSeed } from "../domain/prng";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { assertEvaluationOpen, cycleUnits, getCycle, setFor, type CycleRow, type CycleUnit, type Reader } from "./evaluation-context.server";

/**
 * Evaluator assignments (评估员分配): manual assign/unassign, seeded random assignment (the draw is
 * stored with its seed and inputs so it can be re-derived), lead evaluator, reopening a sign-off.
 */

export interface EvaluatorInfo extends DrawEvaluator {
  boundUnitName: string | null;
  active: boolean;
}

/** Active evaluator accounts (the pool), with the unit each is bound to. */
export function evaluatorPool(db: Reader): EvaluatorInfo[] {
  const rows = db
    .select({ id: users.id, username: users.username, name: users.displayName, unitId: users.unitId, active: users.active })
    .from(users)
    .where(and(eq(users.role, "evaluator"), eq(users.active, true)))
    .orderBy(asc(users.username))
    .all();
  const unitNames = new Map<number, string>();
  for (const u of cycleUnitNames(db, rows.map((r) => r.unitId).filter((x): x is number => x !== null))) unitNames.set(u.id, u.name);
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    name: r.name,
    boundUnitIds: r.unitId !== null ? [r.unitId] : [],
    boundUnitName: r.unitId !== null ? (unitNames.get(r.unitId) ?? null) : null,
    active: r.active,
  }));
}

function cycleUnitNames(db: Reader, ids: number[]): { id: number; name: string }[] {
  if (ids.length === 0) return [];
  return db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, ids)).all();
}

/** Units of the cycle whose self-inspection has been submitted (or returned after submitting). */
export function submittedUnits(db: Reader, cycleId: number): CycleUnit[] {
  const submitted = new Set(
    db
      .select({ unitId: submissions.unitId })
      .from(submissions)
      .where(and(eq(submissions.cycleId, cycleId), inArray(submissions.status, ["submitted", "returned"])))
      .all()
      .map((r) => r.unitId),
  );
  return cycleUnits(db, cycleId).filter((u) => submitted.has(u.id));
}

// ---------------------------------------------------------------- board

export interface BoardAssignment {
  id: number;
  evaluatorId: number;
  evaluatorName: string;
  username: string;
  method: "manual" | "random";
  drawId: number | null;
  lead: boolean;
  signedOffAt: string | null;
  entered: number;
}

export interface BoardUnit extends CycleUnit {
  submissionStatus: string | null;
  leafCount: number;
  assignments: BoardAssignment[];
  /** Evaluators who may not score this unit (bound to it). */
  conflicts: { id: number; name: string; username: string }[];
}

export interface DrawSummary {
  id: number;
  seed: string;
  perUnit: number;
  createdAt: string;
  createdBy: string;
  units: UnitDraw[];
  /** Re-running the stored draw gives the stored result. */
  reproducible: boolean;
}

export function assignmentBoard(db: Reader, cycle: CycleRow) {
  const unitsOfCycle = cycleUnits(db, cycle.id);
  const subs = new Map(
    db
      .select({ unitId: submissions.unitId, status: submissions.status })
      .from(submissions)
      .where(eq(submissions.cycleId, cycle.id))
      .all()
      .map((s) => [s.unitId, s.status] as const),
  );
  const rows = db
    .select({
      a: evaluatorAssignments,
      name: users.displayName,
      username: users.username,
    })
    .from(evaluatorAssignments)
    .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
    .where(eq(evaluatorAssignments.cycleId, cycle.id))
    .orderBy(asc(users.username))
    .all();
  const entered = entryCounts(db, rows.map((r) => r.a.id));
  const leafCounts = new Map<number, number>();
  const pool = evaluatorPool(db);
  const load = new Map<number, number>();
  for (const r of rows) load.set(r.a.evaluatorId, (load.get(r.a.evaluatorId) ?? 0) + 1);

  const board: BoardUnit[] = unitsOfCycle.map((u) => {
    if (!leafCounts.has(u.categoryId)) leafCounts.set(u.categoryId, setFor(db, cycle.id, u.categoryId)?.leaves.length ?? 0);
    return {
      ...u,
      submissionStatus: subs.get(u.id) ?? null,
      leafCount: leafCounts.get(u.categoryId)!,
      assignments: rows
        .filter((r) => r.a.unitId === u.id)
        .map((r) => ({
          id: r.a.id,
          evaluatorId: r.a.evaluatorId,
          evaluatorName: r.name,
          username: r.username,
          method: r.a.method,
          drawId: r.a.drawId,
          lead: r.a.lead,
          signedOffAt: r.a.signedOffAt,
          entered: entered.get(r.a.id) ?? 0,
        })),
      conflicts: pool.filter((e) => e.boundUnitIds.includes(u.id)).map((e) => ({ id: e.id, name: e.name, username: e.username })),
    };
  });
  return {
    units: board,
    evaluators: pool.map((e) => ({ id: e.id, name: e.name, username: e.username, boundUnitName: e.boundUnitName, load: load.get(e.id) ?? 0 })),
    draws: listDraws(db, cycle.id),
    perUnit: cycle.settings.evaluatorsPerUnit ?? 2,
  };
}

export function entryCounts(db: Reader, assignmentIds: number[]): Map<number, number> {
  if (assignmentIds.length === 0) return new Map();
  return new Map(
    db
      .select({ id: evaluatorEntries.assignmentId, n: count() })
      .from(evaluatorEntries)
      .where(inArray(evaluatorEntries.assignmentId, assignmentIds))
      .groupBy(evaluatorEntries.assignmentId)
      .all()
      .map((r) => [r.id, Number(r.n)] as const),
  );
}

interface StoredDraw {
  population: { units: DrawUnit[]; evaluators: DrawEvaluator[]; existing: { unitId: number; evaluatorId: number }[] };
  units: UnitDraw[];
}

export function listDraws(db: Reader, cycleId: number): DrawSummary[] {
  return db
    .select({ d: assignmentDraws, by: users.displayName })
    .from(assignmentDraws)
    .leftJoin(users, eq(users.id, assignmentDraws.createdBy))
    .where(eq(assignmentDraws.cycleId, cycleId))
    .orderBy(desc(assignmentDraws.id))
    .all()
    .map(({ d, by }) => {
      const stored = d.result as StoredDraw;
      const again = drawAssignments({ seed: d.seed, perUnit: d.perUnit, ...stored.population });
      return {
        id: d.id,
        seed: d.seed,
        perUnit: d.perUnit,
        createdAt: d.createdAt,
        createdBy: by ?? "系统",
        units: stored.units,
        reproducible: again.ok && JSON.stringify(again.units) === JSON.stringify(stored.units),
      };
    });
}

// ---------------------------------------------------------------- changes

function getAssignment(tx: Reader, id: number) {
  const a = tx.select().from(evaluatorAssignments).where(eq(evaluatorAssignments.id, id)).get();
  if (!a) throw new DomainError("notFound", "分配记录不存在");
  return a;
}

export const assignFormSchema = z.object({
  unitId: z.coerce.number({ invalid_type_error: "请选择单位" }).int().positive("请选择单位"),
  evaluatorId: z.coerce.number({ invalid_type_error: "请选择评估员" }).int().positive("请选择评估员"),
});

export function assignEvaluator(db: Db, actor: Actor, cycleId: number, input: z.infer<typeof assignFormSchema>): number {
  return mutate(db, (tx) => {
    assertEvaluationOpen(getCycle(tx, cycleId));
    const refusal = assignmentRefusal(tx, cycleId, input.unitId, input.evaluatorId);
    if (refusal) throw new DomainError("invalid", refusal.message, refusal.field);
    return writeAssignment(tx, actor, cycleId, input.unitId, input.evaluatorId, new Date().toISOString());
  });
}

/** Why this evaluator cannot be assigned to this unit (null when they can). */
function assignmentRefusal(tx: Reader, cycleId: number, unitId: number, evaluatorId: number): { field: "unitId" | "evaluatorId"; message: string } | null {
  const unit = submittedUnits(tx, cycleId).find((u) => u.id === unitId);
  if (!unit) return { field: "unitId", message: "该单位尚未提交自查（或不在本年度考核范围内），不能分配评估员" };
  const evaluator = evaluatorPool(tx).find((e) => e.id === evaluatorId);
  if (!evaluator) return { field: "evaluatorId", message: "请选择一名在用的评估员" };
  if (evaluator.boundUnitIds.includes(unit.id)) return { field: "evaluatorId", message: `${evaluator.name}与“${unit.name}”存在关联，须回避，不能分配` };
  const dup = tx
    .select({ id: evaluatorAssignments.id })
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.cycleId, cycleId), eq(evaluatorAssignments.unitId, unit.id), eq(evaluatorAssignments.evaluatorId, evaluator.id)))
    .get();
  if (dup) return { field: "evaluatorId", message: `${evaluator.name}已分配到“${unit.name}”` };
  return null;
}

function writeAssignment(tx: Tx, actor: Actor, cycleId: number, unitId: number, evaluatorId: number, at: string): number {
  const row = tx.insert(evaluatorAssignments).values({ cycleId, unitId, evaluatorId, method: "manual", assignedBy: actor.id, assignedAt: at }).returning().get();
  writeAudit(tx, actor, { action: "assignment.create", entityType: "evaluator_assignment", entityId: row.id, after: row });
  return row.id;
}

export const assignManySchema = z.object({
  unitIds: z
    .array(z.coerce.number().int().positive(), { invalid_type_error: "请至少选择一个单位", required_error: "请至少选择一个单位" })
    .min(1, "请至少选择一个单位")
    .transform((ids) => [...new Set(ids)]),
  evaluatorId: z.coerce.number({ invalid_type_error: "请选择评估员" }).int().positive("请选择评估员"),
});

/**
 * 批量分配: one evaluator to every selected unit, in one transaction with an audit row per unit.
 * Every unit is checked first; if any cannot take the evaluator, nothing is written and each is named.
 */
export function assignMany(db: Db, actor: Actor, cycleId: number, input: z.infer<typeof assignManySchema>): number {
  return mutate(db, (tx) => {
    assertEvaluationOpen(getCycle(tx, cycleId));
    const refusals = input.unitIds.map((unitId) => assignmentRefusal(tx, cycleId, unitId, input.evaluatorId)).filter((r) => r !== null);
    if (refusals.length > 0) throw new DomainError("invalid", `以下单位不能分配，所有单位均未分配：${refusals.map((r) => r.message).join("；")}`);
    const at = new Date().toISOString();
    for (const unitId of input.unitIds) writeAssignment(tx, actor, cycleId, unitId, input.evaluatorId, at);
    return input.unitIds.length;
  });
}

/** The confirmation of a batch assignment: the units the evaluator will be assigned to, and those refused (why). */
export function assignManyPreview(db: Reader, cycleId: number, unitParams: readonly string[], evaluatorParam: string | null) {
  if (!evaluatorParam || !/^[1-9][0-9]{0,15}$/.test(evaluatorParam)) return null;
  const evaluator = evaluatorPool(db).find((e) => e.id === Number(evaluatorParam));
  if (!evaluator) return null;
  const ids = new Set(unitParams.filter((u) => /^[1-9][0-9]{0,15}$/.test(u)).map(Number));
  const chosen = cycleUnits(db, cycleId).filter((u) => ids.has(u.id));
  return {
    evaluator: { id: evaluator.id, name: evaluator.name, username: evaluator.username },
    units: chosen.filter((u) => assignmentRefusal(db, cycleId, u.id, evaluator.id) === null).map((u) => ({ id: u.id, name: u.name })),
    skipped: chosen.flatMap((u) => {
      const r = assignmentRefusal(db, cycleId, u.id, evaluator.id);
      return r ? [{ id: u.id, name: u.name, why: r.message }] : [];
    }),
  };
}

export function unassignEvaluator(db: Db, actor: Actor, cycleId: number, assignmentId: number): void {
  mutate(db, (tx) => {
    const a = getAssignment(tx, assignmentId);
    if (a.cycleId !== cycleId) throw new DomainError("notFound", "分配记录不存在");
    assertEvaluationOpen(getCycle(tx, a.cycleId));
    if (a.signedOffAt) throw new DomainError("conflict", "该评估员已签署本单位评分，不能取消分配；如需调整，请先退回签署");
    const entries = tx.select().from(evaluatorEntries).where(eq(evaluatorEntries.assignmentId, a.id)).all();
    tx.delete(evaluatorEntries).where(eq(evaluatorEntries.assignmentId, a.id)).run();
    tx.delete(evaluatorAssignments).where(eq(evaluatorAssignments.id, a.id)).run();
    writeAudit(tx, actor, { action: "assignment.delete", entityType: "evaluator_assignment", entityId: a.id, before: { ...a, entries } });
  });
}

export const randomAssignSchema = z.object({
  seed: z.string().trim().max(200, "随机种子最多200个字符").optional().default(""),
});

/**
 * Draw evaluators for every submitted unit that has fewer than the cycle's evaluators per unit.
 * Stores the seed, the population and the result (assignment_draws), then the assignments.
 */
export function randomAssign(db: Db, actor: Actor, cycleId: number, seedInput: string): { drawId: number; seed: string; assigned: number } {
  return mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    assertEvaluationOpen(cycle);
    const perUnit = cycle.settings.evaluatorsPerUnit ?? 2;
    const seed = seedInput.trim() || newSeed();
    const existing = tx
      .select({ unitId: evaluatorAssignments.unitId, evaluatorId: evaluatorAssignments.evaluatorId })
      .from(evaluatorAssignments)
      .where(eq(evaluatorAssignments.cycleId, cycleId))
      .all();
    const haveCount = new Map<number, number>();
    for (const e of existing) haveCount.set(e.unitId, (haveCount.get(e.unitId) ?? 0) + 1);
    const needing = submittedUnits(tx, cycleId).filter((u) => (haveCount.get(u.id) ?? 0) < perUnit);
    if (needing.length === 0) throw new DomainError("invalid", "所有已提交自查的单位都已分配足够的评估员，无需随机分配", "seed");
    const population = {
      units: needing.map((u) => ({ id: u.id, code: u.code, name: u.name })),
      evaluators: evaluatorPool(tx).map(({ id, username, name, boundUnitIds }) => ({ id, username, name, boundUnitIds })),
      existing,
    };
    const result = drawAssignments({ seed, perUnit, ...population });
    if (!result.ok) throw new DomainError("invalid", result.error, "seed");
    const at = new Date().toISOString();
    const draw = tx
      .insert(assignmentDraws)
      .values({ cycleId, seed, perUnit, result: { population, units: result.units } satisfies StoredDraw, createdBy: actor.id, createdAt: at })
      .returning()
      .get();
    let assigned = 0;
    for (const u of result.units) {
      for (const evaluatorId of u.evaluatorIds) {
        tx.insert(evaluatorAssignments)
          .values({ cycleId, unitId: u.unitId, evaluatorId, method: "random", drawId: draw.id, assignedBy: actor.id, assignedAt: at })
          .run();
        assigned++;
      }
    }
    writeAudit(tx, actor, { action: "assignment.draw", entityType: "assignment_draw", entityId: draw.id, after: { seed, perUnit, units: result.units } });
    return { drawId: draw.id, seed, assigned };
  });
}

/** Designate the lead evaluator (牵头评估员) of a unit: may arbitrate its divergent leaves. */
export function setLeadEvaluator(db: Db, actor: Actor, cycleId: number, assignmentId: number): void {
  mutate(db, (tx) => {
    const a = getAssignment(tx, assignmentId);
    if (a.cycleId !== cycleId) throw new DomainError("notFound", "分配记录不存在");
    assertEvaluationOpen(getCycle(tx, a.cycleId));
    const before = tx
      .select()
      .from(evaluatorAssignments)
      .where(and(eq(evaluatorAssignments.cycleId, a.cycleId), eq(evaluatorAssignments.unitId, a.unitId), eq(evaluatorAssignments.lead, true)))
      .all();
    tx.update(evaluatorAssignments)
      .set({ lead: false })
      .where(and(eq(evaluatorAssignments.cycleId, a.cycleId), eq(evaluatorAssignments.unitId, a.unitId)))
      .run();
    tx.update(evaluatorAssignments).set({ lead: true }).where(eq(evaluatorAssignments.id, a.id)).run();
    writeAudit(tx, actor, {
      action: "assignment.lead",
      entityType: "evaluator_assignment",
      entityId: a.id,
      before: { leadAssignmentIds: before.map((b) => b.id) },
      after: { leadAssignmentIds: [a.id], unitId: a.unitId, evaluatorId: a.evaluatorId },
    });
  });
}

export const reopenSchema = z.object({
  reason: z.string({ required_error: "请说明退回签署的理由" }).trim().min(1, "请说明退回签署的理由").max(500, "理由最多500个字"),
});

/** Reopen a signed-off unit for one evaluator (audited with the reason). */
export function reopenSignOff(db: Db, actor: Actor, cycleId: number, assignmentId: number, reason: string): void {
  mutate(db, (tx: Tx) => {
    const a = getAssignment(tx, assignmentId);
    if (a.cycleId !== cycleId) throw new DomainError("notFound", "分配记录不存在");
    assertEvaluationOpen(getCycle(tx, a.cycleId));
    if (!a.signedOffAt) throw new DomainError("conflict", "该评估员尚未签署，无需退回");
    const after = tx.update(evaluatorAssignments).set({ signedOffAt: null }).where(eq(evaluatorAssignments.id, a.id)).returning().get();
    writeAudit(tx, actor, { action: "assignment.reopen", entityType: "evaluator_assignment", entityId: a.id, before: a, after: { ...after, reason } });
  });
}
