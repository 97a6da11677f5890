import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { appeals, evaluatorAssignments, findings, evaluatorEntries, rectifications, spotCheckBatches, spotCheckUnits, units, users } from "../../db/schema";
import type { LeafInput, LeafRule } from "../../scoring";
import { decideAppeal, createAppeal } from "../../app/services/appeals.server";
import { arbitrate, listDivergences } from "../../app/services/arbitration.server";
import { randomAssign, setLeadEvaluator } from "../../app/services/assignments.server";
import { cycleByYear, getCycle, getUnit, selfAssessment, setFor } from "../../app/services/evaluation-context.server";
import type { ScoredLeaf } from "../../app/domain/indicator-spec";
import { respondToRectification, verifyRectification } from "../../app/services/rectifications.server";
import { signOff } from "../../app/services/reviews.server";
import { createBatch, recordFinding, setBatchPublished } from "../../app/services/spot-checks.server";
import { inputsDiffer } from "../../app/domain/review-input";
import { mutate, writeAudit } from "../../app/utils/audit.server";
import { actorOf, type SessionUser } from "../../app/utils/auth.server";
import { beijingToday } from "../../app/utils/beijing-time";
import type { DemoCycleHooks } from "./cycles";
import { demoInput } from "./self-inspection-inputs";

/**
 * The demo's third-party evaluation (idempotent), written through the evaluation services so every
 * step is validated and audited:
 * - 2025 (run as hooks while the cycle walks to 已定稿): random assignment with a published seed,
 *   every unit entered and signed off by two evaluators (lead first), every divergence arbitrated,
 *   a published spot-check batch whose findings were rectified and verified, and appeals decided
 *   (one 维持, one 调整) within the appeal window.
 * - 2026 (已发布, evaluation under way): assignments for the submitted units, some units signed off
 *   by both evaluators, one divergence awaiting arbitration, one unit half entered, and a spot-check
 *   batch with findings and a pending rectification.
 */

export const ASSIGN_SEED_2025 = "2025-评估分配";
export const SPOTCHECK_SEED_2025 = "2025-双随机一公开";
export const ASSIGN_SEED_2026 = "2026-评估分配";
export const SPOTCHECK_SEED_2026 = "2026-双随机一公开";
/** The 2026 leaf left divergent (awaiting arbitration), on 区卫生健康局. */
export const DIVERGENT_2026 = { unitCode: "BM002" } as const;

function sessionUser(db: Db, username: string): SessionUser {
  const u = db.select().from(users).where(eq(users.username, username)).get();
  if (!u) throw new Error(`演示数据缺少用户 ${username}`);
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId, unitName: null, orgId: u.orgId, orgName: null, sessionId: "demo-seed" };
}

function departmentOf(db: Db, unitId: number): SessionUser {
  const u = db.select().from(users).where(and(eq(users.unitId, unitId), eq(users.role, "department"))).get();
  if (!u) throw new Error(`演示数据缺少单位#${unitId}的填报员`);
  return sessionUser(db, u.username);
}

type Variant = "first" | "second";

/**
 * The evaluator's verified input for a leaf: what the evaluators find (demoInput — for scored
 * leaves each evaluator's own score, for faults the inspections they come from), not a copy of the
 * department's claim (other rules: the department's figures, checked and confirmed); a leaf the
 * department left unanswered is scored 0 or not applicable.
 */
function verifiedInput(leaf: ScoredLeaf, self: LeafInput | null, facts: LeafInput, variant: Variant, override?: number): LeafInput {
  if (self === null) return leaf.rule.type === "veto" ? { triggered: false } : leaf.rule.type === "score" ? { scores: [0] } : { na: true, reason: "单位未填报" };
  if (self.na === true) return { na: true, reason: self.reason ?? "" };
  if (leaf.rule.type === "score") {
    const given = (facts.scores ?? []).map((s) => (typeof s === "number" ? s : s.value));
    const value = override ?? (variant === "first" ? given[0] : (given[1] ?? given[0])) ?? 0;
    return { scores: [value] };
  }
  if (leaf.rule.type === "deduction") return facts;
  const copy = JSON.parse(JSON.stringify(self)) as LeafInput;
  delete copy.scores;
  return copy;
}

/** Enter every leaf of an assignment (one transaction, each entry audited); optionally only the first `limit`. */
function enterUnit(
  db: Db,
  assignmentId: number,
  evaluator: SessionUser,
  cycleId: number,
  unitId: number,
  variant: Variant,
  opts: { limit?: number; overrides?: Record<string, number>; /** Entry time (default now). */ at?: string } = {},
): void {
  const unit = getUnit(db, unitId);
  const leaves = setFor(db, cycleId, unit.categoryId)?.leaves ?? [];
  const self = selfAssessment(db, cycleId, unitId).answers;
  const { year } = getCycle(db, cycleId);
  const actor = actorOf(evaluator);
  mutate(db, (tx) => {
    for (const leaf of leaves.slice(0, opts.limit ?? leaves.length)) {
      if (tx.select({ id: evaluatorEntries.id }).from(evaluatorEntries).where(and(eq(evaluatorEntries.assignmentId, assignmentId), eq(evaluatorEntries.nodeId, leaf.nodeId))).get()) continue;
      const claim = self.get(leaf.nodeId)?.input ?? null;
      const facts = demoInput(unit.code, leaf, year, unit.categoryName.includes("街道"));
      const input = verifiedInput(leaf, claim, facts, variant, opts.overrides?.[leaf.code]);
      const differs = inputsDiffer(leaf.rule as LeafRule, claim, input);
      const at = opts.at ?? new Date().toISOString();
      const row = tx
        .insert(evaluatorEntries)
        .values({
          assignmentId,
          nodeId: leaf.nodeId,
          input: input as Record<string, unknown>,
          reason: differs ? "经核查佐证材料，按实际完成情况评定。" : "",
          corrections: null,
          version: 1,
          updatedBy: evaluator.id,
          updatedAt: at,
        })
        .returning()
        .get();
      writeAudit(tx, actor, { action: "evaluation.entry.save", entityType: "evaluator_entry", entityId: row.id, after: row });
    }
  });
}

function assignmentsOf(db: Db, cycleId: number) {
  return db
    .select({ a: evaluatorAssignments, username: users.username, unitCode: units.code })
    .from(evaluatorAssignments)
    .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
    .innerJoin(units, eq(units.id, evaluatorAssignments.unitId))
    .where(eq(evaluatorAssignments.cycleId, cycleId))
    .orderBy(evaluatorAssignments.id)
    .all();
}

/** 2025: assign (seeded), make the first evaluator of each unit the lead; both enter and sign off every unit. */
function assignAndEnter2025(db: Db, cycleId: number): void {
  const office = sessionUser(db, "admin");
  randomAssign(db, actorOf(office), cycleId, ASSIGN_SEED_2025);
  const rows = assignmentsOf(db, cycleId);
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.a.unitId)) continue;
    seen.add(r.a.unitId);
    setLeadEvaluator(db, actorOf(office), cycleId, r.a.id);
  }
  const order = new Map<number, number>();
  for (const r of rows) {
    const i = order.get(r.a.unitId) ?? 0;
    order.set(r.a.unitId, i + 1);
    const evaluator = sessionUser(db, r.username);
    enterUnit(db, r.a.id, evaluator, cycleId, r.a.unitId, i === 0 ? "first" : "second", { at: EVALUATION_2025.entered });
    signOff(db, actorOf(evaluator), evaluator, r.a.unitId, cycleId, new Date(EVALUATION_2025.signedOff));
  }
}

function inspectorOf(db: Db, batchId: number, unitId: number): SessionUser {
  const row = db
    .select({ username: users.username })
    .from(spotCheckUnits)
    .innerJoin(users, eq(users.id, spotCheckUnits.inspectorId))
    .where(and(eq(spotCheckUnits.batchId, batchId), eq(spotCheckUnits.unitId, unitId)))
    .get()!;
  return sessionUser(db, row.username);
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A spot-check batch (1 unit per category) with a fault finding requiring rectification (14 / 3 days) on each drawn unit. */
function spotCheck(db: Db, cycleId: number, seed: string, foundOn: string): { batchId: number; rectIds: number[] } {
  const office = sessionUser(db, "admin");
  const { batchId, draw } = createBatch(db, actorOf(office), cycleId, { seed, size: "1", categoryId: null, nodeCodes: [] });
  const rectIds: number[] = [];
  for (const [i, drawn] of draw.units.entries()) {
    const unit = getUnit(db, drawn.id!);
    const leaf = setFor(db, cycleId, unit.categoryId)?.leaves.find((l) => l.rule.type === "deduction");
    if (!leaf || leaf.rule.type !== "deduction") continue;
    const inspector = inspectorOf(db, batchId, unit.id);
    const findingId = recordFinding(db, actorOf(inspector), inspector, batchId, {
      unitId: unit.id,
      nodeId: leaf.nodeId,
      description: `抽查发现：${leaf.name}相关栏目存在“${leaf.rule.faults[0].label}”情形`,
      foundOn,
      kind: "fault",
      faultCode: leaf.rule.faults[0].code,
      count: "1",
      points: "",
      requiresRectification: true,
      // The second unit's deadline is short, so the demo shows an overdue rectification too.
      rectificationDue: addDays(foundOn, i === 0 ? 14 : 3),
      version: undefined,
    });
    const rect = db.select({ id: rectifications.id }).from(rectifications).where(eq(rectifications.findingId, findingId)).get();
    if (rect) rectIds.push(rect.id);
  }
  return { batchId, rectIds };
}

// ---------------------------------------------------------------- 2025 (hooks)

/**
 * When the 2025 evaluation happened (UTC): inside 评估中 (from 2025-12-01) and before 初步结果
 * (2026-01-12); appeals decided inside the appeal window, before 定稿 (2026-01-26).
 */
export const EVALUATION_2025 = {
  entered: "2025-12-15T02:00:00.000Z",
  signedOff: "2025-12-19T08:00:00.000Z",
  arbitrated: "2026-01-08T02:00:00.000Z",
  appealsDecided: "2026-01-19T06:00:00.000Z",
} as const;

function evaluate2025(db: Db, cycle: { id: number; year: number }): void {
  if (cycle.year !== 2025) return;
  if (db.select({ id: evaluatorAssignments.id }).from(evaluatorAssignments).where(eq(evaluatorAssignments.cycleId, cycle.id)).get()) return;
  assignAndEnter2025(db, cycle.id);
  const office = sessionUser(db, "admin");
  for (const d of listDivergences(db, cycle.id)) {
    const mean = Math.round((d.scores.reduce((s, x) => s + x.value, 0) / d.scores.length) * 2) / 2;
    arbitrate(
      db,
      actorOf(office),
      office,
      cycle.id,
      { unitId: d.unitId, nodeId: d.nodeId, value: mean, reason: "两名评估员评分差异较大，经复核佐证材料并听取双方意见后取中间值。" },
      new Date(EVALUATION_2025.arbitrated),
    );
  }
  const { batchId, rectIds } = spotCheck(db, cycle.id, SPOTCHECK_SEED_2025, "2025-12-10");
  for (const rectId of rectIds) {
    const rect = db.select().from(rectifications).where(eq(rectifications.id, rectId)).get()!;
    const findingUnit = unitOfRectification(db, rectId);
    const dept = departmentOf(db, findingUnit);
    respondToRectification(db, actorOf(dept), dept, rectId, { response: "已完成栏目内容更新，并建立每周巡查机制。", version: rect.version });
    const inspector = inspectorOf(db, batchId, findingUnit);
    verifyRectification(db, actorOf(inspector), inspector, rectId, { verdict: "passed", comment: "经复查，问题已整改到位。", version: rect.version + 1 });
  }
  setBatchPublished(db, actorOf(office), batchId, true);
}

function unitOfRectification(db: Db, rectId: number): number {
  return db
    .select({ unitId: findings.unitId })
    .from(rectifications)
    .innerJoin(findings, eq(findings.id, rectifications.findingId))
    .where(eq(rectifications.id, rectId))
    .get()!.unitId;
}

/** Appeals filed in the 2025 window (the cycle entered 初步结果 on 2026-01-12) and decided before 定稿. */
function appeals2025(db: Db, cycle: { id: number; year: number }): void {
  if (cycle.year !== 2025) return;
  if (db.select({ id: appeals.id }).from(appeals).where(eq(appeals.cycleId, cycle.id)).get()) return;
  const office = sessionUser(db, "admin");
  const within = new Date("2026-01-13T02:00:00.000Z");
  const plans: { unitCode: string; decision: "upheld" | "adjusted" }[] = [
    { unitCode: "JD003", decision: "upheld" },
    { unitCode: "BM003", decision: "adjusted" },
  ];
  for (const p of plans) {
    const unit = db.select().from(units).where(eq(units.code, p.unitCode)).get();
    if (!unit) continue;
    const leaf = setFor(db, cycle.id, unit.categoryId)?.leaves.find((l) => l.rule.type === "score");
    if (!leaf) continue;
    const dept = departmentOf(db, unit.id);
    const appealId = createAppeal(db, actorOf(dept), dept, cycle.id, { unitId: unit.id, nodeId: leaf.nodeId, reason: "本单位已按要求完成该项工作，评估时未充分考虑补充提交的佐证材料，申请复核。" }, within);
    decideAppeal(
      db,
      actorOf(office),
      appealId,
      p.decision === "upheld"
        ? { decision: "upheld", value: "", reason: "经复核，原评分依据充分，维持原评分。" }
        : { decision: "adjusted", value: String(Math.min(leaf.points, Math.round(leaf.points * 0.9 * 2) / 2)), reason: "经复核补充佐证材料，该项工作完成情况好于原评定，予以调整。" },
      new Date(EVALUATION_2025.appealsDecided),
    );
  }
}

export const DEMO_EVALUATION_HOOKS: DemoCycleHooks = {
  preliminary: [evaluate2025],
  final: [appeals2025],
};

// ---------------------------------------------------------------- 2026

/** 2026: runs after the 2026 self-inspections are seeded (the cycle stays 已发布). */
export function seedDemoEvaluation2026(db: Db): void {
  const cycle = cycleByYear(db, 2026);
  if (!cycle || cycle.status !== "published") return;
  if (!db.select({ id: evaluatorAssignments.id }).from(evaluatorAssignments).where(eq(evaluatorAssignments.cycleId, cycle.id)).get()) {
    const bm002 = db.select().from(units).where(eq(units.code, DIVERGENT_2026.unitCode)).get();
    const scoreLeaf = bm002 ? setFor(db, cycle.id, bm002.categoryId)?.leaves.find((l) => l.rule.type === "score") : undefined;
    const signed = new Set(["JD001", "BM002", "BM004"]);
    const overrides: Record<string, Record<string, number>> = {};
    // Both 2026 evaluators take the department's first score, except one leaf of BM002 that the
    // second evaluator scores far lower: the one divergence left for arbitration.
    if (scoreLeaf) overrides[DIVERGENT_2026.unitCode] = { [scoreLeaf.code]: Math.max(0, Math.round(scoreLeaf.points * 0.4 * 2) / 2) };
    assignAndEnter2026(db, cycle.id, (code) => signed.has(code), overrides);
  }
  if (!db.select({ id: spotCheckBatches.id }).from(spotCheckBatches).where(eq(spotCheckBatches.cycleId, cycle.id)).get()) {
    const today = beijingToday();
    const foundOn = today < "2026-11-16" ? today : "2026-11-16";
    spotCheck(db, cycle.id, SPOTCHECK_SEED_2026, foundOn);
  }
}

function assignAndEnter2026(db: Db, cycleId: number, signUnits: (code: string) => boolean, overrides: Record<string, Record<string, number>>): void {
  const office = sessionUser(db, "admin");
  randomAssign(db, actorOf(office), cycleId, ASSIGN_SEED_2026);
  const rows = assignmentsOf(db, cycleId);
  const index = new Map<number, number>();
  for (const r of rows) {
    const i = index.get(r.a.unitId) ?? 0;
    index.set(r.a.unitId, i + 1);
    if (i === 0) setLeadEvaluator(db, actorOf(office), cycleId, r.a.id);
    const evaluator = sessionUser(db, r.username);
    if (signUnits(r.unitCode)) {
      // Same value from both evaluators (the department's first score) unless overridden.
      enterUnit(db, r.a.id, evaluator, cycleId, r.a.unitId, "first", { overrides: i === 0 ? undefined : overrides[r.unitCode] });
      signOff(db, actorOf(evaluator), evaluator, r.a.unitId, cycleId);
    } else if (r.unitCode === "BM001" && i === 0) {
      enterUnit(db, r.a.id, evaluator, cycleId, r.a.unitId, "first", { limit: 5 });
    }
  }
}
