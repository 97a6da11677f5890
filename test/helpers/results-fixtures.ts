import { getDb, getSqlite } from "../../db/client";
import { appeals, arbitrations, evaluatorAssignments, evaluatorEntries, findings, spotCheckBatches } from "../../db/schema";
import type { LeafInput } from "../../scoring";
import { leavesOf } from "../../app/domain/indicator-spec";
import { cycleUnits, setFor } from "../../app/services/evaluation-context.server";
import { demoInput } from "../../seeds/demo/self-inspection-inputs";
import { leafNodeId, unitIdOf, userIdOf } from "./evaluation-fixtures";

/**
 * Evaluation inputs for results tests, written straight into issue 6's tables (assignments,
 * entries, findings, arbitrations, appeals) for cycles made with evaluation-fixtures' TEST_TREE.
 * Every unit gets two signed-off evaluators (eval-001 lead, eval-002) whose entries vary with the
 * unit's index, so units score differently.
 */

/** The lead evaluator's (eval-001) entry per leaf for the unit at `i`. */
export function leadInputs(i: number): Record<string, LeafInput> {
  return {
    "1.1": { scores: [{ value: 14 + (i % 6) }] },
    "1.2": { deductions: i % 3 === 0 ? [] : [{ fault: "late", count: i % 3 }] },
    "1.3": { numerator: 90 + (i % 10), denominator: 100 },
    "1.4": { value: i % 3 },
    "2.1": { events: [] },
    "2.2": { scores: [{ value: 16 + (i % 4) }] },
    "3.1": { triggered: false },
  };
}

/** eval-002's scores on the two `score` leaves (other leaves: the same as the lead's). */
export function secondScores(i: number): { "1.1": number; "2.2": number } {
  return { "1.1": 15 + (i % 5), "2.2": 17 + (i % 3) };
}

export function evaluateUnits(cycleId: number, unitCodes: readonly string[], at = "2026-12-01T08:00:00.000Z"): void {
  const db = getDb();
  const evaluators = [userIdOf("eval-001"), userIdOf("eval-002")];
  unitCodes.forEach((code, i) => {
    const unitId = unitIdOf(code);
    evaluators.forEach((evaluatorId, k) => {
      const a = db
        .insert(evaluatorAssignments)
        .values({ cycleId, unitId, evaluatorId, method: "manual", assignedAt: at, signedOffAt: at, lead: k === 0 })
        .returning()
        .get();
      const inputs = leadInputs(i);
      if (k === 1) {
        const s = secondScores(i);
        inputs["1.1"] = { scores: [{ value: s["1.1"] }] };
        inputs["2.2"] = { scores: [{ value: s["2.2"] }] };
      }
      for (const [leaf, input] of Object.entries(inputs)) {
        db.insert(evaluatorEntries)
          .values({ assignmentId: a.id, nodeId: leafNodeId(cycleId, code, leaf), input: input as Record<string, unknown>, reason: k === 0 && leaf === "1.1" ? `主动公开栏目更新不全（${code}）` : "", updatedAt: at })
          .run();
      }
    });
  });
}

/** Replace one evaluator entry's input (an evaluator correcting a leaf). */
export function setLeadEntry(cycleId: number, unitCode: string, leaf: string, input: LeafInput): void {
  const sqlite = getSqlite();
  const nodeId = leafNodeId(cycleId, unitCode, leaf);
  sqlite
    .prepare(
      `UPDATE evaluator_entries SET input = ? WHERE node_id = ? AND assignment_id IN
        (SELECT id FROM evaluator_assignments WHERE cycle_id = ? AND unit_id = ? AND lead = 1)`,
    )
    .run(JSON.stringify(input), nodeId, cycleId, unitIdOf(unitCode));
}

export function addFinding(cycleId: number, unitCode: string, leaf: string, f: { kind: "fault" | "deduction" | "veto"; description: string; faultCode?: string; count?: number; points?: number }): number {
  const db = getDb();
  const at = "2026-12-02T08:00:00.000Z";
  let batch = db.select().from(spotCheckBatches).all().find((b) => b.cycleId === cycleId);
  batch ??= db.insert(spotCheckBatches).values({ cycleId, seed: "测试种子", size: "2", createdAt: at }).returning().get();
  return db
    .insert(findings)
    .values({
      batchId: batch.id,
      cycleId,
      unitId: unitIdOf(unitCode),
      nodeId: leafNodeId(cycleId, unitCode, leaf),
      inspectorId: userIdOf("eval-003"),
      description: f.description,
      foundOn: "2026-11-20",
      kind: f.kind,
      faultCode: f.faultCode ?? null,
      count: f.count ?? null,
      points: f.points ?? null,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get().id;
}

export function addArbitration(cycleId: number, unitCode: string, leaf: string, value: number, reason: string): void {
  getDb()
    .insert(arbitrations)
    .values({ cycleId, unitId: unitIdOf(unitCode), nodeId: leafNodeId(cycleId, unitCode, leaf), value, reason, decidedBy: userIdOf("admin"), decidedAt: "2026-12-03T08:00:00.000Z" })
    .run();
}

export function addAdjustedAppeal(cycleId: number, unitCode: string, leaf: string, value: number, reason: string): void {
  const at = "2026-12-05T08:00:00.000Z";
  getDb()
    .insert(appeals)
    .values({
      cycleId,
      unitId: unitIdOf(unitCode),
      nodeId: leafNodeId(cycleId, unitCode, leaf),
      reason: "申请复核",
      status: "adjusted",
      decisionValue: value,
      decisionReason: reason,
      decidedBy: userIdOf("admin"),
      decidedAt: at,
      createdBy: userIdOf("dept-001"),
      createdAt: at,
    })
    .run();
}

/**
 * Evaluate every unit of any cycle (e.g. one made from the default template): one signed-off lead
 * evaluator (eval-001) per unit with a valid entry on every leaf (the demo's inputs), so the
 * cycle may be finalised.
 */
export function evaluateEveryUnit(cycleId: number, at = "2026-12-01T08:00:00.000Z"): void {
  const db = getDb();
  const evaluatorId = userIdOf("eval-001");
  for (const unit of cycleUnits(db, cycleId)) {
    const set = setFor(db, cycleId, unit.categoryId);
    if (!set) continue;
    const a = db.insert(evaluatorAssignments).values({ cycleId, unitId: unit.id, evaluatorId, method: "manual", assignedAt: at, signedOffAt: at, lead: true }).returning().get();
    for (const leaf of leavesOf(set.tree)) {
      const input = demoInput(unit.code, leaf, 2026, unit.categoryName.includes("街道"));
      db.insert(evaluatorEntries).values({ assignmentId: a.id, nodeId: leaf.nodeId, input: input as Record<string, unknown>, updatedAt: at }).run();
    }
  }
}
