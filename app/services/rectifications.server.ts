import { and, asc, eq, inArray } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { RECTIFICATION_TRANSITIONS, rectificationAllows, rectificationTakesEvidence } from "../domain/rectification-status";
import { can, type Resource } from "../policy.server";
import { z } from "zod";
import type { Db } from "../../db/client";
import { cycles, findings, indicatorNodes, rectifications, spotCheckUnits, units, users } from "../../db/schema";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { beijingToday } from "../utils/beijing-time";
import { RECTIFICATION_STATUS_LABELS } from "../domain/evaluation-labels";
import { listEvidence } from "./evidence.server";
import { findingSource } from "./cycle-package.server";
import { STALE_MESSAGE, type Reader } from "./evaluation-context.server";

/**
 * Rectification (整改) of spot-check findings: the department answers with text and evidence; the
 * finding's inspector or the office verifies it (通过 / 不通过, with a comment). A 不通过 sends it
 * back to the department. Overdue = past its due date (Beijing) and not yet responded to.
 *
 * Before 初步结果 the department sees what to rectify (leaf, problem, due date) but not how the
 * finding is scored; scores become visible with the results.
 */

export type RectificationView = ReturnType<typeof rectificationRows>[number];

function rectificationRows(db: Reader, where: ReturnType<typeof and> | undefined) {
  const today = beijingToday();
  return db
    .select({
      r: rectifications,
      f: findings,
      unitName: units.name,
      unitCode: units.code,
      nodeCode: indicatorNodes.code,
      nodeName: indicatorNodes.name,
      year: cycles.year,
      inspectorName: users.displayName,
    })
    .from(rectifications)
    .innerJoin(findings, eq(findings.id, rectifications.findingId))
    .innerJoin(units, eq(units.id, findings.unitId))
    .innerJoin(indicatorNodes, eq(indicatorNodes.id, findings.nodeId))
    .innerJoin(cycles, eq(cycles.id, findings.cycleId))
    .leftJoin(users, eq(users.id, findings.inspectorId))
    .where(where)
    .orderBy(asc(findings.rectificationDue), asc(rectifications.id))
    .all()
    .map((x) => ({
      id: x.r.id,
      status: x.r.status,
      statusLabel: RECTIFICATION_STATUS_LABELS[x.r.status],
      version: x.r.version,
      response: x.r.response,
      respondedAt: x.r.respondedAt,
      verdictComment: x.r.verdictComment,
      verifiedAt: x.r.verifiedAt,
      findingId: x.f.id,
      source: findingSource(x.f.id),
      description: x.f.description,
      foundOn: x.f.foundOn,
      due: x.f.rectificationDue,
      overdue: (x.r.status === "pending" || x.r.status === "failed") && !!x.f.rectificationDue && x.f.rectificationDue < today,
      unitId: x.f.unitId,
      unitName: x.unitName,
      unitCode: x.unitCode,
      nodeCode: x.nodeCode,
      nodeName: x.nodeName,
      year: x.year,
      inspectorName: x.inspectorName,
    }));
}

/** What a user may list: the office all, an inspector their findings', a department its own unit's. */
export function listRectifications(db: Reader, user: SessionUser, opts: { openOnly?: boolean } = {}) {
  const statuses = opts.openOnly ? (["pending", "responded", "failed"] as const) : (["pending", "responded", "passed", "failed"] as const);
  const byStatus = inArray(rectifications.status, [...statuses]);
  switch (user.role) {
    case "office":
    case "leader":
      return rectificationRows(db, and(byStatus));
    case "department":
      return user.unitId === null ? [] : rectificationRows(db, and(byStatus, eq(findings.unitId, user.unitId)));
    case "evaluator": {
      const own = db.select({ id: findings.id }).from(findings).where(eq(findings.inspectorId, user.id)).all().map((r) => r.id);
      const ids = [...new Set([...own, ...drawnFindingIds(db, user.id)])];
      return ids.length === 0 ? [] : rectificationRows(db, and(byStatus, inArray(findings.id, ids)));
    }
  }
}

function drawnFindingIds(db: Reader, inspectorId: number): number[] {
  return db
    .select({ id: findings.id })
    .from(findings)
    .innerJoin(spotCheckUnits, and(eq(spotCheckUnits.batchId, findings.batchId), eq(spotCheckUnits.unitId, findings.unitId)))
    .where(eq(spotCheckUnits.inspectorId, inspectorId))
    .all()
    .map((r) => r.id);
}

/** May the user verify this rectification: the office, or the inspector drawn for the finding's unit. */
function mayVerify(db: Reader, user: SessionUser, f: typeof findings.$inferSelect): boolean {
  return can(db, user, "decide", rectificationResource(f));
}

function rectificationResource(f: typeof findings.$inferSelect): Resource {
  return { kind: "rectification", unitId: f.unitId, batchId: f.batchId, inspectorId: f.inspectorId ?? undefined };
}

/**
 * The user's standing on a rectification: its unit's department, a verifier (inspector / office) or
 * a leader (read-only). Anyone else is refused (403; 404 if it does not exist) before anything of it
 * — or of a posted form — is looked at.
 */
function rectificationAccess(db: Reader, user: SessionUser, rectId: number) {
  const r = db.select().from(rectifications).where(eq(rectifications.id, rectId)).get();
  if (!r) throw new DomainError("notFound", "整改记录不存在");
  const f = db.select().from(findings).where(eq(findings.id, r.findingId)).get()!;
  const isUnit = can(db, user, "write", rectificationResource(f));
  const verifier = mayVerify(db, user, f);
  if (!can(db, user, "read", rectificationResource(f))) throw new DomainError("forbidden", "您无权查看该整改记录。");
  return { rectification: r, finding: f, isUnit, verifier };
}

const RESPOND_REFUSAL = "只有被抽查单位可以回复整改情况。";
const VERIFY_REFUSAL = "只有该单位的检查人员或政务公开办可以核验整改。";

/** For actions, before the form is validated: may the user respond to / verify this rectification (403 / 404 otherwise). */
export function assertMayActOnRectification(db: Reader, user: SessionUser, rectId: number, act: "respond" | "verify"): void {
  const { isUnit, verifier } = rectificationAccess(db, user, rectId);
  if (act === "respond" && !isUnit) throw new DomainError("forbidden", RESPOND_REFUSAL);
  if (act === "verify" && !verifier) throw new DomainError("forbidden", VERIFY_REFUSAL);
}

export function loadRectification(db: Reader, user: SessionUser, rectId: number) {
  const { finding: f, isUnit, verifier } = rectificationAccess(db, user, rectId);
  const row = rectificationRows(db, and(eq(rectifications.id, rectId)))[0];
  return {
    rectification: row,
    canRespond: isUnit && rectificationAllows(row.status, "respond"),
    canVerify: verifier && rectificationAllows(row.status, "verify"),
    findingEvidence: listEvidence(db, "finding", String(f.id)),
    evidence: listEvidence(db, "rectification", String(rectId)),
  };
}

export const respondSchema = z.object({
  response: z.string({ required_error: "请填写整改情况" }).trim().min(1, "请填写整改情况").max(2000, "整改情况最多2000个字"),
  version: z.coerce.number().int().nonnegative(),
});

export function respondToRectification(db: Db, actor: Actor, user: SessionUser, rectId: number, input: z.infer<typeof respondSchema>): void {
  mutate(db, (tx) => {
    const r = tx.select().from(rectifications).where(eq(rectifications.id, rectId)).get();
    if (!r) throw new DomainError("notFound", "整改记录不存在");
    const f = tx.select().from(findings).where(eq(findings.id, r.findingId)).get()!;
    if (!can(tx, user, "write", rectificationResource(f))) throw new DomainError("forbidden", RESPOND_REFUSAL);
    if (r.version !== input.version) throw new DomainError("conflict", STALE_MESSAGE);
    if (!rectificationAllows(r.status, "respond")) throw new DomainError("conflict", RECTIFICATION_TRANSITIONS.respond.refusal);
    const after = tx
      .update(rectifications)
      .set({ status: "responded", response: input.response, respondedBy: actor.id, respondedAt: new Date().toISOString(), version: r.version + 1 })
      .where(eq(rectifications.id, r.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "rectification.respond", entityType: "rectification", entityId: r.id, before: r, after });
  });
}

export const verifySchema = z.object({
  verdict: z.enum(["passed", "failed"], { errorMap: () => ({ message: "请选择核验结论（通过或不通过）" }) }),
  comment: z.string({ required_error: "请填写核验意见" }).trim().min(1, "请填写核验意见").max(1000, "核验意见最多1000个字"),
  version: z.coerce.number().int().nonnegative(),
});

export function verifyRectification(db: Db, actor: Actor, user: SessionUser, rectId: number, input: z.infer<typeof verifySchema>): void {
  mutate(db, (tx) => {
    const r = tx.select().from(rectifications).where(eq(rectifications.id, rectId)).get();
    if (!r) throw new DomainError("notFound", "整改记录不存在");
    const f = tx.select().from(findings).where(eq(findings.id, r.findingId)).get()!;
    if (!mayVerify(tx, user, f)) throw new DomainError("forbidden", VERIFY_REFUSAL);
    if (r.version !== input.version) throw new DomainError("conflict", STALE_MESSAGE);
    if (!rectificationAllows(r.status, "verify")) throw new DomainError("conflict", RECTIFICATION_TRANSITIONS.verify.refusal);
    const after = tx
      .update(rectifications)
      .set({ status: input.verdict, verdictComment: input.comment, verifiedBy: actor.id, verifiedAt: new Date().toISOString(), version: r.version + 1 })
      .where(eq(rectifications.id, r.id))
      .returning()
      .get();
    writeAudit(tx, actor, { action: "rectification.verify", entityType: "rectification", entityId: r.id, before: r, after });
  });
}

/** The department may attach evidence to its own unit's open rectification. */
export function rectificationForEvidence(db: Reader, user: SessionUser, rectId: number) {
  const r = db.select().from(rectifications).where(eq(rectifications.id, rectId)).get();
  if (!r) throw new DomainError("notFound", "整改记录不存在");
  const f = db.select().from(findings).where(eq(findings.id, r.findingId)).get()!;
  if (!can(db, user, "write", rectificationResource(f))) throw new DomainError("forbidden", "只有被抽查单位可以上传整改佐证。");
  if (!rectificationTakesEvidence(r.status)) throw new DomainError("conflict", "整改情况已回复，不能再上传佐证");
  return { rectification: r, unitId: f.unitId };
}
