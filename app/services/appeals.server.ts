import { and, asc, desc, eq } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { cycleAllows } from "../domain/cycle-capabilities";
import { APPEAL_TRANSITIONS, appealAllows, appealTakesEvidence } from "../domain/appeal-status";
import { can, may } from "../policy.server";
import { asClause } from "../domain/explanation-clause";
import { z } from "zod";
import type { Db } from "../../db/client";
import { appeals, cycles, indicatorNodes, units, users } from "../../db/schema";
import { APPEAL_STATUS_LABELS, EVALUATION_NAV } from "../domain/evaluation-labels";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { buildCyclePackage } from "./cycle-package.server";
import { notifyUnits } from "./notifications.server";
import { appealWindow, getCycle, getUnit, setFor, type CycleRow, type Reader } from "./evaluation-context.server";

/**
 * Appeals (复核申请): in 初步结果, within the cycle's appeal window, a department appeals specific
 * leaves of its own unit with a reason (and evidence, owner type "appeal"). The office decides each:
 * 维持 (upheld) or 调整 (adjusted, with the new leaf value and a reason) — the adjustment becomes
 * `override {by: "appeal"}` in the cycle package (cycle-package.server.ts).
 */

export function assertAppealWindowOpen(db: Reader, cycle: CycleRow, now = new Date()): void {
  if (!cycleAllows(cycle.status, "appeal")) throw new DomainError("conflict", "只有在初步结果公布后的复核期限内才能申请复核");
  const w = appealWindow(db, cycle, now);
  if (w.closedEarlyAt) throw new DomainError("conflict", "政务公开办已提前结束复核期，不能再申请复核");
  if (!w.open) throw new DomainError("conflict", `复核申请期限已于${w.lastDay}（北京时间当日24时）截止`);
}

export const closeWindowSchema = z.object({
  reason: z.string({ required_error: "请填写提前结束复核期的理由" }).trim().min(1, "请填写提前结束复核期的理由").max(500, "理由最多500个字"),
});

/**
 * 提前结束复核期: the office closes the appeal window before it runs out — only in 初步结果, while
 * the window is still open and every appeal filed so far is decided — with a reason. Recorded on
 * the cycle (when, by whom, why) with its audit row in one transaction. Afterwards no appeal may
 * be filed and the window no longer holds up 定稿 (appealsSettled).
 */
export function closeAppealWindow(db: Db, actor: Actor, user: SessionUser, cycleId: number, input: z.infer<typeof closeWindowSchema>, now = new Date()): void {
  if (!may(user, "decide", "appeal")) throw new DomainError("forbidden", "只有政务公开办可以提前结束复核期。");
  mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    if (!cycleAllows(cycle.status, "appeal")) throw new DomainError("conflict", "只有在初步结果阶段才能提前结束复核期");
    const w = appealWindow(tx, cycle, now);
    if (w.closedEarlyAt) throw new DomainError("conflict", "复核期已经提前结束");
    if (!w.open) throw new DomainError("conflict", `复核申请期限已于${w.lastDay}（北京时间当日24时）届满，无需提前结束`);
    const pending = tx.select({ id: appeals.id }).from(appeals).where(and(eq(appeals.cycleId, cycleId), eq(appeals.status, "pending"))).all();
    if (pending.length > 0) throw new DomainError("conflict", `有${pending.length}项复核申请尚未处理，处理完毕后方可提前结束复核期`);
    const at = now.toISOString();
    tx.update(cycles).set({ appealsClosedAt: at, appealsClosedBy: actor.id, appealsClosedReason: input.reason, updatedAt: at }).where(eq(cycles.id, cycleId)).run();
    writeAudit(tx, actor, {
      action: "cycle.appeals.close",
      entityType: "cycle",
      entityId: cycleId,
      before: { appealWindowLastDay: w.lastDay },
      after: { appealsClosedAt: at, reason: input.reason },
    });
  });
}

export const appealFormSchema = z.object({
  unitId: z.coerce.number().int().positive(),
  nodeId: z.coerce.number({ invalid_type_error: "请选择要申请复核的指标" }).int().positive("请选择要申请复核的指标"),
  reason: z.string({ required_error: "请填写申请复核的理由" }).trim().min(1, "请填写申请复核的理由").max(2000, "理由最多2000个字"),
});

export function createAppeal(db: Db, actor: Actor, user: SessionUser, cycleId: number, input: z.infer<typeof appealFormSchema>, now = new Date()): number {
  if (!can(db, user, "write", { kind: "appeal", unitId: input.unitId })) throw new DomainError("forbidden", "只能对本单位的考核结果申请复核。");
  return mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    assertAppealWindowOpen(tx, cycle, now);
    const unit = getUnit(tx, input.unitId);
    const leaf = setFor(tx, cycleId, unit.categoryId)?.leaves.find((l) => l.nodeId === input.nodeId);
    if (!leaf) throw new DomainError("invalid", "该指标不是本单位的末级指标", "nodeId");
    const dup = tx
      .select({ id: appeals.id })
      .from(appeals)
      .where(and(eq(appeals.cycleId, cycleId), eq(appeals.unitId, unit.id), eq(appeals.nodeId, leaf.nodeId), eq(appeals.status, "pending")))
      .get();
    if (dup) throw new DomainError("conflict", `指标“${leaf.code} ${leaf.name}”已有待处理的复核申请`, "nodeId");
    const row = tx
      .insert(appeals)
      .values({ cycleId, unitId: unit.id, nodeId: leaf.nodeId, reason: input.reason, createdBy: actor.id, createdAt: now.toISOString() })
      .returning()
      .get();
    writeAudit(tx, actor, { action: "appeal.create", entityType: "appeal", entityId: row.id, after: row });
    return row.id;
  });
}

const DECIMAL = /^\d+(\.\d{1,2})?$/;

export const decisionSchema = z
  .object({
    decision: z.enum(["upheld", "adjusted"], { errorMap: () => ({ message: "请选择处理结果（维持或调整）" }) }),
    value: z.string().trim().optional().default(""),
    reason: z.string({ required_error: "请填写处理理由" }).trim().min(1, "请填写处理理由").max(2000, "理由最多2000个字"),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "adjusted" && !DECIMAL.test(v.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "调整时须填写调整后的分值（不小于0，最多保留2位小数）" });
    }
  });

export function decideAppeal(db: Db, actor: Actor, appealId: number, input: z.infer<typeof decisionSchema>, now = new Date()): void {
  mutate(db, (tx) => {
    const appeal = tx.select().from(appeals).where(eq(appeals.id, appealId)).get();
    if (!appeal) throw new DomainError("notFound", "复核申请不存在");
    const cycle = getCycle(tx, appeal.cycleId);
    if (!cycleAllows(cycle.status, "appeal")) throw new DomainError("conflict", "只有在初步结果阶段才能处理复核申请");
    if (!appealAllows(appeal.status, "decide")) throw new DomainError("conflict", APPEAL_TRANSITIONS.decide.refusal);
    let value: number | null = null;
    if (input.decision === "adjusted") {
      const unit = getUnit(tx, appeal.unitId);
      const leaf = setFor(tx, cycle.id, unit.categoryId)?.leaves.find((l) => l.nodeId === appeal.nodeId);
      if (!leaf) throw new DomainError("conflict", "该指标已不存在");
      if (leaf.rule.type === "veto") throw new DomainError("invalid", "单项否决指标没有分值，不能调整；请选择维持或通过抽查发现更正", "value");
      value = Number(input.value);
      if (value > leaf.points) throw new DomainError("invalid", `调整后的分值须在0到${leaf.points}分之间`, "value");
      const built = buildCyclePackage(db, cycle.id, { unitIds: [unit.id], missing: "placeholder" });
      if (built.pkg.units[0]?.inputs[leaf.code]?.na === true) throw new DomainError("invalid", "该指标按不适用处理，不能调整分值", "value");
    }
    const after = tx
      .update(appeals)
      .set({ status: input.decision, decisionValue: value, decisionReason: asClause(input.reason), decidedBy: actor.id, decidedAt: now.toISOString() })
      .where(eq(appeals.id, appeal.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: `appeal.${input.decision === "adjusted" ? "adjust" : "uphold"}`, entityType: "appeal", entityId: appeal.id, before: appeal, after });
    const node = tx.select({ code: indicatorNodes.code, name: indicatorNodes.name }).from(indicatorNodes).where(eq(indicatorNodes.id, appeal.nodeId)).get()!;
    notifyUnits(
      tx,
      [appeal.unitId],
      () => ({
        kind: "appeal_decided",
        title: `复核申请已处理：${node.code} ${node.name}`,
        body: `${input.decision === "adjusted" ? `调整为${value}分` : "维持原评分"}。理由：${input.reason}`,
        link: EVALUATION_NAV.appeals.to,
        cycleId: cycle.id,
      }),
      new Date(),
    );
  });
}

export function listAppeals(db: Reader, cycleId: number, opts: { unitId?: number } = {}) {
  return db
    .select({ a: appeals, unitName: units.name, unitCode: units.code, nodeCode: indicatorNodes.code, nodeName: indicatorNodes.name, points: indicatorNodes.points, decidedByName: users.displayName })
    .from(appeals)
    .innerJoin(units, eq(units.id, appeals.unitId))
    .innerJoin(indicatorNodes, eq(indicatorNodes.id, appeals.nodeId))
    .leftJoin(users, eq(users.id, appeals.decidedBy))
    .where(opts.unitId !== undefined ? and(eq(appeals.cycleId, cycleId), eq(appeals.unitId, opts.unitId)) : eq(appeals.cycleId, cycleId))
    .orderBy(asc(appeals.status), desc(appeals.createdAt), asc(appeals.id))
    .all()
    .map((r) => ({ ...r.a, statusLabel: APPEAL_STATUS_LABELS[r.a.status], unitName: r.unitName, unitCode: r.unitCode, nodeCode: r.nodeCode, nodeName: r.nodeName, points: r.points, decidedByName: r.decidedByName }));
}

/** The department may attach evidence to its own pending appeal while the window is open. */
export function appealForEvidence(db: Reader, user: SessionUser, appealId: number) {
  const a = db.select().from(appeals).where(eq(appeals.id, appealId)).get();
  if (!a) throw new DomainError("notFound", "复核申请不存在");
  if (!can(db, user, "write", { kind: "appeal", unitId: a.unitId })) throw new DomainError("forbidden", "只能为本单位的复核申请上传佐证。");
  if (!appealTakesEvidence(a.status)) throw new DomainError("conflict", "复核申请已处理，不能再上传佐证");
  assertAppealWindowOpen(db, getCycle(db, a.cycleId));
  return a;
}
