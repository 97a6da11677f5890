import { and, eq } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { can } from "../policy.server";
import { asClause } from "../domain/explanation-clause";
import { z } from "zod";
import type { Db } from "../../db/client";
import { appeals, arbitrations, users } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { scoreCycle } from "./cycle-package.server";
import { appealWindow, assertEvaluationOpen, getCycle, type Reader } from "./evaluation-context.server";

/**
 * Divergences (评分分歧) and arbitration (仲裁). A leaf is divergent when the engine says so: the
 * signed-off evaluators' scores spread more than the cycle's divergence × points. The office, or
 * the unit's lead evaluator (after signing off), records an arbitrated value with a reason; it
 * replaces the reconciled value (override by "arbitration").
 *
 * Gates for the cycle status machine: nothing goes to 初步结果 while a divergence is unresolved,
 * nor to 已定稿 while an appeal is pending or the appeal window is open.
 */

export interface Divergence {
  unitId: number;
  unitCode: string;
  unitName: string;
  nodeId: number;
  code: string;
  name: string;
  points: number;
  scores: { by: string; value: number }[];
  spread: number;
  allowed: number;
  /** The engine's explanation of the leaf. */
  explain: string;
  arbitration: { value: number; reason: string; decidedBy: string; decidedAt: string } | null;
}

export function listDivergences(db: Db, cycleId: number, opts: { unitId?: number } = {}): Divergence[] {
  const cycle = getCycle(db, cycleId);
  const { build, results } = scoreCycle(db, cycleId, { missing: "placeholder", unitIds: opts.unitId !== undefined ? [opts.unitId] : undefined });
  const arbs = db
    .select({ a: arbitrations, by: users.displayName })
    .from(arbitrations)
    .leftJoin(users, eq(users.id, arbitrations.decidedBy))
    .where(eq(arbitrations.cycleId, cycleId))
    .all();
  const out: Divergence[] = [];
  for (const unit of results.units) {
    const unitId = build.unitIds[unit.id];
    const pkgUnit = build.pkg.units.find((u) => u.id === unit.id)!;
    for (const [code, leafResult] of Object.entries(unit.leaves)) {
      if (!leafResult.divergent) continue;
      const leaf = build.leaves[unit.category][code];
      const scores = (pkgUnit.inputs[code].scores ?? []).map((s) => (typeof s === "number" ? { by: "", value: s } : { by: s.by ?? "", value: s.value }));
      const values = scores.map((s) => s.value);
      const arb = arbs.find((r) => r.a.unitId === unitId && r.a.nodeId === leaf.nodeId);
      out.push({
        unitId,
        unitCode: unit.id,
        unitName: unit.name,
        nodeId: leaf.nodeId,
        code,
        name: leaf.name,
        points: leaf.points,
        scores,
        spread: Math.max(...values) - Math.min(...values),
        allowed: cycle.settings.divergence * leaf.points,
        explain: leafResult.explain,
        arbitration: arb ? { value: arb.a.value, reason: arb.a.reason, decidedBy: arb.by ?? "系统", decidedAt: arb.a.decidedAt } : null,
      });
    }
  }
  return out;
}

export function unresolvedDivergences(db: Db, cycleId: number): Divergence[] {
  return listDivergences(db, cycleId).filter((d) => d.arbitration === null);
}

/** May this user arbitrate this unit's leaves? The office, or the unit's lead evaluator once signed off. */
export function mayArbitrate(db: Reader, user: SessionUser, cycleId: number, unitId: number): boolean {
  return can(db, user, "decide", { kind: "arbitration", cycleId, unitId });
}

const DECIMAL = /^\d+(\.\d{1,2})?$/;

export const arbitrationSchema = z.object({
  unitId: z.coerce.number().int().positive(),
  nodeId: z.coerce.number().int().positive(),
  value: z
    .string({ required_error: "请填写仲裁分值" })
    .trim()
    .min(1, "请填写仲裁分值")
    .refine((v) => DECIMAL.test(v), "仲裁分值须为不小于0的数字，最多保留2位小数")
    .transform(Number),
  reason: z
    .string({ required_error: "请填写仲裁理由" })
    .trim()
    .max(1000, "仲裁理由最多1000个字")
    .transform(asClause)
    .refine((v) => v.length > 0, "请填写仲裁理由"),
});

export function arbitrate(db: Db, actor: Actor, user: SessionUser, cycleId: number, input: z.infer<typeof arbitrationSchema>, now = new Date()): void {
  if (!mayArbitrate(db, user, cycleId, input.unitId)) throw new DomainError("forbidden", "只有政务公开办或该单位的牵头评估员（签署后）可以仲裁");
  assertEvaluationOpen(getCycle(db, cycleId));
  const divergence = listDivergences(db, cycleId, { unitId: input.unitId }).find((d) => d.nodeId === input.nodeId);
  if (!divergence) throw new DomainError("conflict", "该指标的评分差异未超过允许范围，无需仲裁");
  if (input.value > divergence.points) throw new DomainError("invalid", `仲裁分值须在0到${divergence.points}分之间`, "value");
  mutate(db, (tx) => {
    const before = tx
      .select()
      .from(arbitrations)
      .where(and(eq(arbitrations.cycleId, cycleId), eq(arbitrations.unitId, input.unitId), eq(arbitrations.nodeId, input.nodeId)))
      .get();
    const values = { value: input.value, reason: asClause(input.reason), decidedBy: actor.id, decidedAt: now.toISOString() };
    const row = before
      ? tx.update(arbitrations).set(values).where(eq(arbitrations.id, before.id)).returning().get()
      : tx
          .insert(arbitrations)
          .values({ cycleId, unitId: input.unitId, nodeId: input.nodeId, ...values })
          .returning()
          .get();
    writeAudit(tx, actor, { action: "evaluation.arbitrate", entityType: "arbitration", entityId: row.id, before, after: row });
  });
}

// ---------------------------------------------------------------- gates for the cycle status machine

/** Why the cycle cannot go to 初步结果 (empty = it may): unresolved divergences. */
export function noUnresolvedDivergences(db: Db, cycleId: number): string[] {
  const open = unresolvedDivergences(db, cycleId);
  if (open.length === 0) return [];
  const list = open
    .slice(0, 10)
    .map((d) => `${d.unitName} ${d.code} ${d.name}`)
    .join("、");
  return [`有${open.length}项评分分歧尚未仲裁：${list}${open.length > 10 ? "等" : ""}`];
}

/** Why the cycle cannot go to 已定稿 (empty = it may): pending appeals, or the appeal window still open. */
export function appealsSettled(db: Reader, cycleId: number, now = new Date()): string[] {
  const cycle = getCycle(db, cycleId);
  const problems: string[] = [];
  const pending = db
    .select({ id: appeals.id })
    .from(appeals)
    .where(and(eq(appeals.cycleId, cycleId), eq(appeals.status, "pending")))
    .all();
  if (pending.length > 0) problems.push(`有${pending.length}项复核申请尚未处理`);
  const window = appealWindow(db, cycle, now);
  if (window.open) problems.push(`复核申请期限至${window.lastDay}（北京时间当日24时）截止，期限届满前不能定稿（全部复核申请处理完毕后，可在“复核申请”页面提前结束复核期）`);
  return problems;
}
