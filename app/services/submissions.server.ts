import { and, eq, isNull } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { cycleAllows } from "../domain/cycle-capabilities";
import { can, may } from "../policy.server";
import type { SessionUser } from "../utils/auth.server";
import { z } from "zod";
import { type Db, type Tx } from "../../db/client";
import { cycles, deadlineExtensions, returnItems, submissionAnswers, submissionEvents, submissions, type SubmissionStatus } from "../../db/schema";
import { parseDate, type LeafInput } from "../../scoring";
import { parseAnswerForm, type FormLike } from "../domain/answer-input";
import { engineInputErrors } from "../domain/self-score";
import { deadlineLabel, effectiveDue, isPastDue } from "../domain/self-inspection-deadline";
import { beijingToday } from "../utils/beijing-time";
import { findTransition, lockReason, SUBMISSION_STATUS_LABELS, type SubmissionAction, type SubmissionTransition } from "../domain/submission-status";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { notifyUnits } from "./notifications.server";
import { lockEvidence } from "./evidence.server";
import { completenessOf, currentCycle, EVIDENCE_OWNER_TYPE, findSubmission, latestExtension, leafOwnerId, loadSubmissionState, loadUnitContext, missingMessage, previewContext, type CycleRow, type LeafInfo, type Reader, type SubmissionRow, type UnitContext } from "./self-inspection-context.server";

/**
 * The self-inspection workflow: saving answers, submit / return / resubmit / reopen, deadline
 * extensions. Every change and its audit row (and, for transitions, its submission_events row)
 * are written in one transaction. Evidence operations are in submission-evidence.server.ts.
 */

export const STALE_MESSAGE = "该项已被他人修改，请刷新后再试";
export const OTHER_UNIT_MESSAGE = "您无权访问其他单位的数据。";
const COMMENT_MAX = 1000;

type DeptUser = Pick<SessionUser, "id" | "role" | "unitId">;

// ---------------------------------------------------------------- context

function closedMessage(cycle: CycleRow): string {
  return `${cycle.year}年度自查已结束，不能再修改或提交`;
}

export function assertCycleOpen(cycle: CycleRow): void {
  if (!cycleAllows(cycle.status, "selfInspect")) throw new DomainError("conflict", closedMessage(cycle));
}

/**
 * The department user's unit in the current cycle. `postedSubmissionId` (a hidden form field) must
 * be the unit's own submission of this cycle: another unit's → 403, a stale page → 409.
 */
export function resolveDepartmentContext(db: Reader, user: DeptUser, postedSubmissionId?: unknown): UnitContext {
  if (!may(user, "write", "selfInspection") || !user.unitId) throw new DomainError("forbidden", "您的账号未关联被考核单位，不能填报自查");
  const cycle = currentCycle(db);
  if (!cycle) throw new DomainError("notFound", "当前没有进行中的考核年度");
  const ctx = loadUnitContext(db, cycle, user.unitId);
  if (typeof postedSubmissionId === "string" && postedSubmissionId.trim() !== "") {
    if (!/^[1-9][0-9]{0,15}$/.test(postedSubmissionId.trim())) throw new DomainError("notFound", "自查记录不存在");
    const posted = db.select().from(submissions).where(eq(submissions.id, Number(postedSubmissionId))).get();
    if (!posted) throw new DomainError("notFound", "自查记录不存在");
    if (!can(db, user, "write", { kind: "selfInspection", unitId: posted.unitId })) throw new DomainError("forbidden", OTHER_UNIT_MESSAGE);
    if (posted.cycleId !== cycle.id) throw new DomainError("conflict", "该自查不属于当前考核年度，请刷新页面后再试");
  }
  return ctx;
}

export function findLeaf(ctx: UnitContext, nodeId: number): LeafInfo {
  const leaf = ctx.leaves.find((l) => l.nodeId === nodeId);
  if (!leaf) throw new DomainError("notFound", "该指标不属于本单位的指标体系");
  return leaf;
}

function getOrCreateSubmission(tx: Tx, actor: Actor, ctx: UnitContext, at: string): SubmissionRow {
  const existing = findSubmission(tx, ctx.cycle.id, ctx.unit.id);
  if (existing) return existing;
  const row = tx.insert(submissions).values({ cycleId: ctx.cycle.id, unitId: ctx.unit.id, status: "draft", lastActivityAt: at, createdAt: at }).returning().get();
  writeAudit(tx, actor, { action: "submission.create", entityType: "submission", entityId: row.id, after: row });
  return row;
}

/** Refuses (409) unless the department may change this leaf now. */
export function assertLeafEditable(db: Reader, ctx: UnitContext, leaf: LeafInfo): SubmissionRow | null {
  assertCycleOpen(ctx.cycle);
  const submission = findSubmission(db, ctx.cycle.id, ctx.unit.id) ?? null;
  const open = new Set<number>();
  if (submission?.status === "returned") {
    for (const r of db
      .select({ nodeId: returnItems.nodeId })
      .from(returnItems)
      .where(and(eq(returnItems.submissionId, submission.id), isNull(returnItems.resolvedAt)))
      .all())
      open.add(r.nodeId);
  }
  const reason = lockReason(submission?.status ?? null, open, leaf.nodeId);
  if (reason) throw new DomainError("conflict", reason);
  return submission;
}

/** The submission a department's evidence goes to, created (as a draft) on first use. */
export function ensureSubmission(db: Db, actor: Actor, ctx: UnitContext, leaf: LeafInfo, now = new Date()): SubmissionRow {
  return mutate(db, (tx) => {
    const fresh = { ...ctx, cycle: tx.select().from(cycles).where(eq(cycles.id, ctx.cycle.id)).get()! };
    const existing = assertLeafEditable(tx, fresh, leaf);
    return existing ?? getOrCreateSubmission(tx, actor, fresh, now.toISOString());
  });
}

// ---------------------------------------------------------------- answers


/**
 * Save one leaf's answer (a draft save). Bad input changes nothing and comes back with Chinese
 * field messages (DomainError); a stale `version` is refused (conflict), and so is a leaf that is
 * locked or not the unit's.
 */
export function saveAnswer(db: Db, args: { actor: Actor; user: DeptUser; nodeId: number; form: FormLike; now?: Date }): { submissionId: number; version: number } {
  const now = args.now ?? new Date();
  const ctx = resolveDepartmentContext(db, args.user, args.form.get("submissionId"));
  const leaf = findLeaf(ctx, args.nodeId);

  // Refuse a locked leaf before looking at the input.
  assertLeafEditable(db, ctx, leaf);
  const parsed = parseAnswerForm({ points: leaf.points, rule: leaf.rule, part: leaf.part }, args.form);
  if (!parsed.ok) throw DomainError.fields(parsed.fieldErrors);
  const engineErrors = engineInputErrors(previewContext(ctx), leaf.code, parsed.input);
  if (engineErrors.length > 0) throw new DomainError("invalid", engineErrors.join("；"));
  const versionRaw = args.form.get("version");
  if (typeof versionRaw !== "string" || !/^(0|[1-9][0-9]{0,9})$/.test(versionRaw)) throw new DomainError("invalid", "页面缺少版本信息，请刷新后再试");
  const expectedVersion = Number(versionRaw);

  return mutate(db, (tx) => {
    const cycle = tx.select().from(cycles).where(eq(cycles.id, ctx.cycle.id)).get()!;
    const fresh = { ...ctx, cycle };
    assertLeafEditable(tx, fresh, leaf);
    const at = now.toISOString();
    const existingSubmission = findSubmission(tx, cycle.id, ctx.unit.id);
    const before = existingSubmission
      ? tx
          .select()
          .from(submissionAnswers)
          .where(and(eq(submissionAnswers.submissionId, existingSubmission.id), eq(submissionAnswers.nodeId, leaf.nodeId)))
          .get()
      : undefined;
    if ((before?.version ?? 0) !== expectedVersion) throw new DomainError("conflict", STALE_MESSAGE);
    const submission = existingSubmission ?? getOrCreateSubmission(tx, args.actor, fresh, at);
    const values = {
      input: parsed.input as Record<string, unknown>,
      narrative: parsed.narrative,
      version: expectedVersion + 1,
      updatedBy: args.actor.id,
      updatedAt: at,
    };
    const after = before
      ? tx.update(submissionAnswers).set(values).where(eq(submissionAnswers.id, before.id)).returning().get()
      : tx
          .insert(submissionAnswers)
          .values({ submissionId: submission.id, nodeId: leaf.nodeId, ...values })
          .returning()
          .get();
    tx.update(submissions).set({ lastActivityAt: at }).where(eq(submissions.id, submission.id)).run();
    writeAudit(tx, args.actor, {
      action: "submission.answer.save",
      entityType: "submission_answer",
      entityId: after.id,
      before: before ?? undefined,
      after: { ...after, code: leaf.code },
    });
    return { submissionId: submission.id, version: after.version };
  });
}

// ---------------------------------------------------------------- transitions

function transitionOrRefuse(action: SubmissionAction, submission: SubmissionRow, role: SessionUser["role"]): SubmissionTransition {
  const t = findTransition(action, submission.status);
  if (!t) {
    const label = SUBMISSION_STATUS_LABELS[submission.status];
    throw new DomainError("conflict", `自查当前为“${label}”状态，不能执行此操作`);
  }
  if (t.by !== role) throw new DomainError("forbidden", "您无权执行此操作");
  return t;
}

/** Status change + event row + audit row, inside the caller's transaction. */
function applyTransition(
  tx: Tx,
  actor: Actor,
  submission: SubmissionRow,
  t: SubmissionTransition,
  at: string,
  comment: string | null,
  audit: Record<string, unknown> = {},
): { eventId: number; after: SubmissionRow } {
  const patch: Partial<SubmissionRow> = { status: t.to, lastActivityAt: at };
  if (t.to === "submitted") patch.submittedAt = at;
  const after = tx.update(submissions).set(patch).where(eq(submissions.id, submission.id)).returning().get();
  const event = tx
    .insert(submissionEvents)
    .values({ submissionId: submission.id, kind: t.event, fromStatus: t.from, toStatus: t.to, actorId: actor.id, at, comment })
    .returning({ id: submissionEvents.id })
    .get();
  writeAudit(tx, actor, {
    action: `submission.${t.action}`,
    entityType: "submission",
    entityId: submission.id,
    before: submission,
    after: { ...after, eventId: event.id, comment, ...audit },
  });
  return { eventId: event.id, after };
}

/**
 * 提交 / 重新提交: every leaf answered or N/A and required evidence present (else the missing ones
 * are listed); a first submission also needs to be before the deadline or the unit's extension.
 * Locks the answers (by status) and all current evidence.
 */
export function submitSelfInspection(db: Db, args: { actor: Actor; user: DeptUser; postedSubmissionId?: unknown; now?: Date }): SubmissionRow {
  const now = args.now ?? new Date();
  return mutate(db, (tx) => {
    const ctx = resolveDepartmentContext(tx, args.user, args.postedSubmissionId);
    assertCycleOpen(ctx.cycle);
    const submission = findSubmission(tx, ctx.cycle.id, ctx.unit.id);
    const state = loadSubmissionState(tx, ctx, submission);
    if (ctx.leaves.length === 0) throw new DomainError("conflict", "本单位类别没有指标体系，请联系政务公开办");
    const report = completenessOf(ctx.leaves, state);
    if (!submission) throw new DomainError("invalid", missingMessage(report), undefined, report);
    if (submission.status === "submitted") throw new DomainError("conflict", "自查已提交，无需重复提交");
    const t = transitionOrRefuse(submission.status === "returned" ? "resubmit" : "submit", submission, args.user.role);
    for (const p of t.preconditions) {
      if (p === "complete" && !report.complete) throw new DomainError("invalid", missingMessage(report), undefined, report);
      if (p === "beforeDeadline" && isPastDue(state.due, now)) {
        const ext = state.extension ? "（延期后）" : "";
        throw new DomainError("conflict", `已超过自查截止时间${ext}${deadlineLabel(state.due)}，不能提交。如需延期，请联系政务公开办。`);
      }
    }
    const at = now.toISOString();
    const locked = lockEvidence(
      tx,
      args.actor,
      EVIDENCE_OWNER_TYPE,
      ctx.leaves.map((l) => leafOwnerId(submission.id, l.nodeId)),
      at,
    );
    let resolved = 0;
    if (t.action === "resubmit") {
      resolved = tx
        .update(returnItems)
        .set({ resolvedAt: at })
        .where(and(eq(returnItems.submissionId, submission.id), isNull(returnItems.resolvedAt)))
        .returning({ id: returnItems.id })
        .all().length;
    }
    return applyTransition(tx, args.actor, submission, t, at, null, { lockedFiles: locked.files, lockedLinks: locked.links, resolvedReturnItems: resolved }).after;
  });
}

function officeSubmission(tx: Tx, submissionId: number): { submission: SubmissionRow; ctx: UnitContext } {
  const submission = tx.select().from(submissions).where(eq(submissions.id, submissionId)).get();
  if (!submission) throw new DomainError("notFound", "自查记录不存在");
  const cycle = tx.select().from(cycles).where(eq(cycles.id, submission.cycleId)).get()!;
  assertCycleOpen(cycle);
  return { submission, ctx: loadUnitContext(tx, cycle, submission.unitId) };
}

const commentSchema = z.string().trim().max(COMMENT_MAX, `意见最多${COMMENT_MAX}个字`);

/**
 * 退回修改: per-indicator comments from the fields `comment.<nodeId>` (the non-empty ones are
 * returned) and an optional general `comment`. Bad comments are refused together (DomainError.fields).
 */
export function returnSubmission(db: Db, args: { actor: Actor; role: SessionUser["role"]; submissionId: number; form: FormLike; now?: Date }): void {
  const now = args.now ?? new Date();
  mutate(db, (tx) => {
    const { submission, ctx } = officeSubmission(tx, args.submissionId);
    const t = transitionOrRefuse("return", submission, args.role);
    const fieldErrors: Record<string, string> = {};
    const items: { leaf: LeafInfo; comment: string }[] = [];
    for (const leaf of ctx.leaves) {
      const raw = args.form.get(`comment.${leaf.nodeId}`);
      if (typeof raw !== "string") continue;
      const c = commentSchema.safeParse(raw);
      if (!c.success) fieldErrors[`comment.${leaf.nodeId}`] = `${leaf.code}：${c.error.issues[0].message}`;
      else if (c.data) items.push({ leaf, comment: c.data });
    }
    const generalRaw = args.form.get("comment");
    const general = commentSchema.safeParse(typeof generalRaw === "string" ? generalRaw : "");
    if (!general.success) fieldErrors.comment = general.error.issues[0].message;
    if (t.preconditions.includes("returnItems") && items.length === 0 && Object.keys(fieldErrors).length === 0) {
      fieldErrors._form = "请至少为一项需要修改的指标填写退回意见";
    }
    if (Object.keys(fieldErrors).length > 0) throw DomainError.fields(fieldErrors);
    writeReturn(tx, args.actor, submission, ctx, t, items, general.success && general.data ? general.data : null, now);
  });
}

/**
 * Return a submitted self-inspection with its items, inside the caller's transaction: the status
 * change, its event and audit row, the return items, and the notification to the unit.
 */
function writeReturn(tx: Tx, actor: Actor, submission: SubmissionRow, ctx: UnitContext, t: SubmissionTransition, items: { leaf: LeafInfo; comment: string }[], comment: string | null, now: Date): void {
  const at = now.toISOString();
  const auditItems = items.map((i) => ({ nodeId: i.leaf.nodeId, code: i.leaf.code, comment: i.comment }));
  const { eventId } = applyTransition(tx, actor, submission, t, at, comment, { items: auditItems });
  for (const i of items) {
    tx.insert(returnItems).values({ eventId, submissionId: submission.id, nodeId: i.leaf.nodeId, comment: i.comment }).run();
  }
  notifyUnits(
    tx,
    [ctx.unit.id],
    () => ({
      kind: "submission_returned",
      title: `${ctx.cycle.year}年度自查被退回修改`,
      body: `政务公开办退回了${items.length}项指标（${items.map((i) => i.leaf.code).join("、")}），请按意见修改后重新提交。${comment ? `意见：${comment}` : ""}`,
      link: "/self",
      cycleId: ctx.cycle.id,
    }),
    now,
  );
}

/**
 * 批量退回: return each of these units' submitted self-inspections with the one comment, on the
 * leaves with the given codes (all leaves when none is given), inside the caller's transaction.
 * Answers the refusals (unit: why) — when there is any, the caller must write nothing (throw).
 */
export function returnMany(tx: Tx, actor: Actor, role: SessionUser["role"], cycle: CycleRow, unitIds: readonly number[], codes: readonly string[], comment: string, now: Date): string[] {
  const refusals: string[] = [];
  const planned: { submission: SubmissionRow; ctx: UnitContext; t: SubmissionTransition; items: { leaf: LeafInfo; comment: string }[] }[] = [];
  for (const unitId of unitIds) {
    const ctx = loadUnitContext(tx, cycle, unitId);
    const submission = findSubmission(tx, cycle.id, unitId);
    const t = submission ? findTransition("return", submission.status) : undefined;
    if (!submission || !t) {
      refusals.push(`${ctx.unit.name}：${submission ? `自查当前为“${SUBMISSION_STATUS_LABELS[submission.status]}”状态` : "尚未开始填报"}，不能退回`);
      continue;
    }
    if (t.by !== role) throw new DomainError("forbidden", "您无权执行此操作");
    const leaves = codes.length === 0 ? ctx.leaves : ctx.leaves.filter((l) => codes.includes(l.code));
    const unknown = codes.filter((c) => !ctx.leaves.some((l) => l.code === c));
    if (unknown.length > 0) refusals.push(`${ctx.unit.name}：指标体系中没有${unknown.join("、")}`);
    else if (leaves.length === 0) refusals.push(`${ctx.unit.name}：没有可退回的指标`);
    else planned.push({ submission, ctx, t, items: leaves.map((leaf) => ({ leaf, comment })) });
  }
  if (refusals.length > 0) return refusals;
  for (const p of planned) writeReturn(tx, actor, p.submission, p.ctx, p.t, p.items, comment, now);
  return [];
}

/** 撤回为草稿 (office), with a required reason. */
export function reopenSubmission(db: Db, args: { actor: Actor; role: SessionUser["role"]; submissionId: number; comment: unknown; now?: Date }): void {
  const now = args.now ?? new Date();
  const raw = typeof args.comment === "string" ? args.comment : "";
  const parsed = commentSchema.min(1, "请填写撤回原因").safeParse(raw);
  if (!parsed.success) throw new DomainError("invalid", parsed.error.issues[0].message, "reopenComment");
  mutate(db, (tx) => {
    const { submission } = officeSubmission(tx, args.submissionId);
    const t = transitionOrRefuse("reopen", submission, args.role);
    applyTransition(tx, args.actor, submission, t, now.toISOString(), parsed.data);
  });
}

// ---------------------------------------------------------------- extensions

const dateField = z
  .string({ required_error: "请选择延期后的截止日期" })
  .trim()
  .min(1, "请选择延期后的截止日期")
  .refine((s) => parseDate(s) !== null, "日期格式不正确，应为 YYYY-MM-DD");

export const extensionSchema = z.object({
  until: dateField,
  reason: z.string({ required_error: "请填写延期理由" }).trim().min(1, "请填写延期理由").max(500, "延期理由最多500个字"),
});

/** Why a unit cannot be given this deadline now (null when it can). Reads inside the caller's transaction. */
export function extensionRefusal(tx: Tx, cycle: CycleRow, unitId: number, until: string, now: Date): { field: "until" | "_form"; message: string } | null {
  if (!cycleAllows(cycle.status, "selfInspect")) return { field: "_form", message: closedMessage(cycle) };
  const current = effectiveDue(cycle.selfInspectionDue, latestExtension(tx, cycle.id, unitId)?.until);
  if (until <= cycle.selfInspectionDue) return { field: "until", message: `延期后的截止日期须晚于原截止日期${cycle.selfInspectionDue}` };
  if (until <= current) return { field: "until", message: `延期后的截止日期须晚于当前截止日期${current}` };
  if (until < beijingToday(now)) return { field: "until", message: "延期后的截止日期不能早于今天" };
  const status = findSubmission(tx, cycle.id, unitId)?.status;
  if (status === "submitted" || status === "returned") {
    const unit = loadUnitContext(tx, cycle, unitId).unit;
    return { field: "_form", message: status === "submitted" ? `${unit.name}已提交自查，无需延期` : `${unit.name}的自查已退回修改，重新提交不受截止时间限制，无需延期` };
  }
  return null;
}

/**
 * Give one unit a later deadline inside the caller's transaction (after `extensionRefusal` said
 * nothing): the extension row, the event on the unit's timeline, the audit row and a notification
 * to the unit. Answers the extension row.
 */
export function writeExtension(tx: Tx, actor: Actor, cycle: CycleRow, unitId: number, until: string, reason: string, now: Date, audit: Record<string, unknown> = {}) {
  const ctx = loadUnitContext(tx, cycle, unitId);
  const at = now.toISOString();
  const submission = getOrCreateSubmission(tx, actor, ctx, at);
  const row = tx.insert(deadlineExtensions).values({ cycleId: cycle.id, unitId: ctx.unit.id, until, reason, grantedBy: actor.id, at }).returning().get();
  const status: SubmissionStatus = submission.status;
  tx.insert(submissionEvents)
    .values({ submissionId: submission.id, kind: "extension", fromStatus: status, toStatus: status, actorId: actor.id, at, comment: `延期至${until}：${reason}` })
    .run();
  tx.update(submissions).set({ lastActivityAt: at }).where(eq(submissions.id, submission.id)).run();
  writeAudit(tx, actor, { action: "submission.extension", entityType: "deadline_extension", entityId: row.id, after: { ...row, unitName: ctx.unit.name, ...audit } });
  notifyUnits(
    tx,
    [ctx.unit.id],
    () => ({
      kind: "extension_decided",
      title: `${cycle.year}年度自查截止时间已延至${until}`,
      body: `政务公开办批准${ctx.unit.name}的自查延期至${deadlineLabel(until)}。理由：${reason}`,
      link: "/self",
      cycleId: cycle.id,
    }),
    now,
  );
  return row;
}

/**
 * Grant one unit a later deadline (with a reason, audited, on the unit's timeline). The date must
 * be after the unit's current deadline and not before today.
 */
export function grantExtension(db: Db, args: { actor: Actor; cycleId: number; unitId: number; form: FormLike; now?: Date }): void {
  const now = args.now ?? new Date();
  const rawUntil = args.form.get("until");
  const rawReason = args.form.get("reason");
  const values = { until: typeof rawUntil === "string" ? rawUntil : "", reason: typeof rawReason === "string" ? rawReason : "" };
  const parsed = extensionSchema.safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    throw DomainError.fields(fieldErrors);
  }
  const { until, reason } = parsed.data;
  mutate(db, (tx) => {
    const cycle = tx.select().from(cycles).where(eq(cycles.id, args.cycleId)).get();
    if (!cycle) throw new DomainError("notFound", "考核年度不存在");
    assertCycleOpen(cycle);
    loadUnitContext(tx, cycle, args.unitId);
    const refusal = extensionRefusal(tx, cycle, args.unitId, until, now);
    if (refusal?.field === "until") throw new DomainError("invalid", refusal.message, "until");
    if (refusal) throw new DomainError("conflict", refusal.message);
    writeExtension(tx, args.actor, cycle, args.unitId, until, reason, now);
  });
}

/** Saved input of a leaf (null when unanswered). */
export function inputOf(answer: { input: Record<string, unknown> | null } | undefined): LeafInput | null {
  return (answer?.input as LeafInput | null | undefined) ?? null;
}
