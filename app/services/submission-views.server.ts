import { asc, eq } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { cycleAllows } from "../domain/cycle-capabilities";
import { type Db } from "../../db/client";
import { cycles, returnItems, submissionEvents, submissions, users } from "../../db/schema";
import type { LeafInput } from "../../scoring";
import {
  describeAnswer,
  eventLabels,
  eventRowStatus,
  formStateFromAnswer,
  ruleHint,
  RULE_TYPE_LABELS,
  type AnswerFormState,
  type EventRowStatus,
} from "../domain/answer-input";
import { computeSelfScore, type PreviewContext, type SelfScorePreview } from "../domain/self-score";
import { formatBeijingTime } from "../utils/beijing-time";
import { daysLeft, daysLeftLabel, deadlineLabel, isPastDue, REMINDER_DAYS } from "../domain/self-inspection-deadline";
import { availableTransitions, leafEditable, lockReason, NOT_STARTED_LABEL, SUBMISSION_EVENT_LABELS, SUBMISSION_STATUS_LABELS } from "../domain/submission-status";
import type { SessionUser } from "../utils/auth.server";
import { isEvidenceKind } from "../utils/evidence-kinds";
import { uploadLimits } from "../utils/upload-stream.server";
import { listEvidence, type EvidenceFile, type EvidenceLink } from "./evidence.server";
import { remindersOfUnit } from "./notifications.server";
import { completenessOf, EVIDENCE_OWNER_TYPE, findSubmission, inputsByCode, leafOwnerId, loadSubmissionState, loadUnitContext, previewContext, type Completeness, type LeafInfo, type Reader, type SubmissionState, type UnitContext } from "./self-inspection-context.server";
import { findLeaf, resolveDepartmentContext } from "./submissions.server";

/** Read models for the department workspace and the office review pages. */

type DeptUser = Pick<SessionUser, "id" | "role" | "unitId">;

export interface TimelineEntry {
  id: number;
  kind: string;
  label: string;
  at: string;
  atText: string;
  actorName: string;
  comment: string | null;
  items: { nodeId: number; code: string; name: string; comment: string; resolved: boolean }[];
}

export function loadTimeline(db: Reader, submissionId: number, leaves: readonly LeafInfo[]): TimelineEntry[] {
  const events = db
    .select({ e: submissionEvents, actorName: users.displayName })
    .from(submissionEvents)
    .leftJoin(users, eq(users.id, submissionEvents.actorId))
    .where(eq(submissionEvents.submissionId, submissionId))
    .orderBy(asc(submissionEvents.id))
    .all();
  const items = db.select().from(returnItems).where(eq(returnItems.submissionId, submissionId)).orderBy(asc(returnItems.id)).all();
  const byNode = new Map(leaves.map((l) => [l.nodeId, l] as const));
  const sub = db.select({ cycleId: submissions.cycleId, unitId: submissions.unitId }).from(submissions).where(eq(submissions.id, submissionId)).get();
  // The office's reminders (催办) stand on the unit's timeline too, in time order.
  const reminders: TimelineEntry[] = (sub ? remindersOfUnit(db, sub.cycleId, sub.unitId) : []).map((r, i) => ({
    id: -(i + 1),
    kind: "reminder",
    label: "催办",
    at: r.createdAt,
    atText: formatBeijingTime(r.createdAt, "minute"),
    actorName: "政务公开办",
    comment: r.body,
    items: [],
  }));
  const transitions: TimelineEntry[] = events.map(({ e, actorName }) => ({
    id: e.id,
    kind: e.kind,
    label: SUBMISSION_EVENT_LABELS[e.kind],
    at: e.at,
    atText: formatBeijingTime(e.at, "minute"),
    actorName: actorName ?? "系统",
    comment: e.comment,
    items: items
      .filter((i) => i.eventId === e.id)
      .map((i) => ({ nodeId: i.nodeId, code: byNode.get(i.nodeId)?.code ?? "", name: byNode.get(i.nodeId)?.name ?? "（已删除的指标）", comment: i.comment, resolved: i.resolvedAt !== null })),
  }));
  return [...transitions, ...reminders].sort((a, b) => a.at.localeCompare(b.at));
}

function statusLabelOf(state: SubmissionState): string {
  if (!state.submission) return NOT_STARTED_LABEL;
  if (state.submission.status === "draft" && state.answers.size === 0) return NOT_STARTED_LABEL;
  return SUBMISSION_STATUS_LABELS[state.submission.status];
}

function previewSummary(p: SelfScorePreview | null) {
  return p && { total: p.total, base: p.base, bonus: p.bonus, vetoed: p.vetoed, grade: p.grade, explain: p.explain, unanswered: p.unanswered };
}

function deadlineInfo(ctx: UnitContext, state: SubmissionState, now: Date) {
  return {
    cycleDue: ctx.cycle.selfInspectionDue,
    due: state.due,
    deadlineText: deadlineLabel(state.due),
    daysLeft: daysLeft(state.due, now),
    daysLeftText: daysLeftLabel(state.due, now),
    pastDue: isPastDue(state.due, now),
    extension: state.extension && { until: state.extension.until, reason: state.extension.reason, atText: formatBeijingTime(state.extension.at, "minute") },
  };
}

/** Reminder for a unit that has not submitted, when its deadline is near or past. */
export function reminderText(state: SubmissionState, now: Date): string | null {
  if (state.submission?.status === "submitted") return null;
  const d = daysLeft(state.due, now);
  if (isPastDue(state.due, now)) {
    if (state.submission?.status === "returned") return null; // a revision has no deadline of its own
    return `自查截止时间${deadlineLabel(state.due)}已过，本单位尚未提交。如需延期，请联系政务公开办。`;
  }
  if (d > REMINDER_DAYS) return null;
  return `距自查截止还有${d === 0 ? "不到1" : d}天（${deadlineLabel(state.due)}），本单位尚未提交，请抓紧完成填报并提交。`;
}

/** What every list of leaves shows of one: the indicator, and its score in the self-assessment preview. */
interface LeafRow {
  nodeId: number;
  code: string;
  name: string;
  path: string;
  ruleLabel: string;
  points: number;
  score: number | null;
  max: number;
  explain: string;
}

function leafRow(l: LeafInfo, preview: SelfScorePreview | null): LeafRow {
  const r = preview?.leaves[l.code];
  return {
    nodeId: l.nodeId,
    code: l.code,
    name: l.name,
    path: l.path.join(" › "),
    ruleLabel: RULE_TYPE_LABELS[l.rule.type],
    points: l.points,
    score: r && r.answered && !r.na ? r.score : null,
    max: r?.max ?? l.points,
    explain: r?.explain ?? "",
  };
}

/** The engine's score of the answers so far (null while the unit has no indicators). */
function selfPreview(ctx: UnitContext, state: SubmissionState): SelfScorePreview | null {
  return ctx.leaves.length > 0 ? computeSelfScore(previewContext(ctx), inputsByCode(ctx.leaves, state.answers)) : null;
}

// ---------------------------------------------------------------- department home

export interface HomeLeaf extends LeafRow {
  part: string;
  answered: boolean;
  na: boolean;
  evidenceRequired: boolean;
  evidenceCount: number;
  editable: boolean;
  returnComment: string | null;
}

export function departmentHome(db: Db, user: DeptUser, now = new Date()) {
  let ctx: UnitContext;
  try {
    ctx = resolveDepartmentContext(db, user);
  } catch (error) {
    if (error instanceof DomainError && error.code === "notFound") return { home: null, notice: error.message };
    throw error;
  }
  const submission = findSubmission(db, ctx.cycle.id, ctx.unit.id) ?? null;
  const state = loadSubmissionState(db, ctx, submission);
  const completeness = completenessOf(ctx.leaves, state);
  const preview = selfPreview(ctx, state);
  const open = cycleAllows(ctx.cycle.status, "selfInspect");
  const openSet = new Set(state.openReturns.keys());
  const status = submission?.status ?? null;
  const leaves: HomeLeaf[] = ctx.leaves.map((l) => {
    const answer = state.answers.get(l.nodeId);
    const input = (answer?.input as LeafInput | null | undefined) ?? null;
    return {
      ...leafRow(l, preview),
      part: l.part,
      answered: !!input,
      na: !!input?.na,
      evidenceRequired: l.evidenceRequired,
      evidenceCount: state.evidenceCounts.get(l.nodeId) ?? 0,
      editable: open && leafEditable(status, openSet, l.nodeId),
      returnComment: state.openReturns.get(l.nodeId)?.comment ?? null,
    };
  });
  const transitions = status ? availableTransitions(status, "department") : availableTransitions("draft", "department");
  const submitTransition = open ? transitions.find((t) => t.action === "submit" || t.action === "resubmit") : undefined;
  return {
    home: {
      cycle: { id: ctx.cycle.id, year: ctx.cycle.year, title: ctx.cycle.title, open },
      unit: { id: ctx.unit.id, name: ctx.unit.name },
      hasIndicators: ctx.leaves.length > 0,
      submission: submission && {
        id: submission.id,
        status: submission.status,
        submittedAtText: formatBeijingTime(submission.submittedAt, "minute"),
        lastActivityText: formatBeijingTime(submission.lastActivityAt, "minute"),
      },
      statusLabel: statusLabelOf(state),
      deadline: deadlineInfo(ctx, state, now),
      completeness,
      leaves,
      returned: leaves.filter((l) => l.returnComment !== null),
      preview: previewSummary(preview),
      timeline: submission ? loadTimeline(db, submission.id, ctx.leaves) : [],
      reminder: open ? reminderText(state, now) : null,
      submitAction: submitTransition ? { action: submitTransition.action, label: submitTransition.label } : null,
    },
    notice: null,
  };
}

// ---------------------------------------------------------------- one leaf

export interface LeafEvidenceView {
  files: EvidenceFile[];
  links: EvidenceLink[];
}

export function leafPage(db: Db, user: DeptUser, nodeId: number, now = new Date()) {
  const ctx = resolveDepartmentContext(db, user);
  const leaf = findLeaf(ctx, nodeId);
  const submission = findSubmission(db, ctx.cycle.id, ctx.unit.id) ?? null;
  const state = loadSubmissionState(db, ctx, submission);
  const answer = state.answers.get(leaf.nodeId);
  const input = (answer?.input as LeafInput | null | undefined) ?? null;
  const open = cycleAllows(ctx.cycle.status, "selfInspect");
  const openSet = new Set(state.openReturns.keys());
  const reason = open ? lockReason(submission?.status ?? null, openSet, leaf.nodeId) : `${ctx.cycle.year}年度自查已结束，不能再修改`;
  const pctx: PreviewContext = previewContext(ctx);
  const inputs = inputsByCode(ctx.leaves, state.answers);
  const preview = computeSelfScore(pctx, inputs);
  const formState: AnswerFormState = formStateFromAnswer(leaf.rule, input, answer?.narrative ?? "");
  const evidence: LeafEvidenceView = submission ? listEvidence(db, EVIDENCE_OWNER_TYPE, leafOwnerId(submission.id, leaf.nodeId)) : { files: [], links: [] };
  const index = ctx.leaves.findIndex((l) => l.nodeId === leaf.nodeId);
  const updatedBy = answer?.updatedBy ? db.select({ name: users.displayName }).from(users).where(eq(users.id, answer.updatedBy)).get()?.name : null;
  const leafResult = preview?.leaves[leaf.code];
  return {
    cycle: { id: ctx.cycle.id, year: ctx.cycle.year, title: ctx.cycle.title },
    unitName: ctx.unit.name,
    submissionId: submission?.id ?? null,
    statusLabel: statusLabelOf(state),
    leaf: {
      nodeId: leaf.nodeId,
      code: leaf.code,
      name: leaf.name,
      path: leaf.path.join(" › "),
      points: leaf.points,
      part: leaf.part,
      rule: leaf.rule,
      ruleLabel: RULE_TYPE_LABELS[leaf.rule.type],
      hint: ruleHint(leaf.rule, leaf.points),
      guidance: leaf.guidance,
      criteria: leaf.criteria,
      basis: leaf.basis,
      evidenceRequired: leaf.evidenceRequired,
      /** What the uploader takes: the indicator's kinds, or every accepted kind when it names none. */
      evidenceKinds: leaf.evidenceKinds.filter(isEvidenceKind),
      eventLabels: eventLabels(leaf.dimension),
    },
    answer: answer ? { version: answer.version, updatedAtText: formatBeijingTime(answer.updatedAt, "minute"), updatedBy: updatedBy ?? null } : null,
    version: answer?.version ?? 0,
    formState,
    editable: reason === null,
    lockReason: reason,
    returnComment: state.openReturns.get(leaf.nodeId)?.comment ?? null,
    evidence,
    /** For the live preview in the browser: the engine recomputes with the typed answer. */
    previewContext: pctx,
    inputs,
    preview: {
      leaf: leafResult ? { score: leafResult.score, max: leafResult.max, na: leafResult.na, answered: leafResult.answered, explain: leafResult.explain } : null,
      total: previewSummary(preview),
    },
    eventStatuses: formState.events.map((e) => eventRowStatus(e, leaf.rule, ctx.cycle.calendar)),
    nav: { prev: ctx.leaves[index - 1]?.nodeId ?? null, next: ctx.leaves[index + 1]?.nodeId ?? null, position: index + 1, total: ctx.leaves.length },
    maxFileBytes: uploadLimits().maxFileBytes,
  };
}

// ---------------------------------------------------------------- office: one submission

export interface ReviewLeaf extends LeafRow {
  summary: string;
  narrative: string;
  answered: boolean;
  evidenceRequired: boolean;
  files: EvidenceFile[];
  links: EvidenceLink[];
  events: { title: string; link: string; start: string; end: string; status: EventRowStatus | null }[];
  openReturnComment: string | null;
}

export function submissionDetail(db: Db, submissionId: number, now = new Date()) {
  const submission = db.select().from(submissions).where(eq(submissions.id, submissionId)).get();
  if (!submission) throw new DomainError("notFound", "自查记录不存在");
  const cycle = db.select().from(cycles).where(eq(cycles.id, submission.cycleId)).get()!;
  const ctx = loadUnitContext(db, cycle, submission.unitId);
  const state = loadSubmissionState(db, ctx, submission);
  const completeness: Completeness = completenessOf(ctx.leaves, state);
  const preview = selfPreview(ctx, state);
  const ownerIds = ctx.leaves.map((l) => leafOwnerId(submission.id, l.nodeId));
  const evidence = listEvidence(db, EVIDENCE_OWNER_TYPE, ownerIds);
  const leaves: ReviewLeaf[] = ctx.leaves.map((l) => {
    const answer = state.answers.get(l.nodeId);
    const input = (answer?.input as LeafInput | null | undefined) ?? null;
    const owner = leafOwnerId(submission.id, l.nodeId);
    const rows = formStateFromAnswer(l.rule, input, "").events;
    return {
      ...leafRow(l, preview),
      summary: describeAnswer(l.rule, input),
      narrative: answer?.narrative ?? "",
      answered: !!input,
      evidenceRequired: l.evidenceRequired,
      files: evidence.files.filter((f) => f.ownerId === owner),
      links: evidence.links.filter((k) => k.ownerId === owner),
      events: rows.map((e) => ({ ...e, status: eventRowStatus(e, l.rule, cycle.calendar) })),
      openReturnComment: state.openReturns.get(l.nodeId)?.comment ?? null,
    };
  });
  const open = cycleAllows(cycle.status, "selfInspect");
  const actions = open ? availableTransitions(submission.status, "office").map((t) => t.action) : [];
  return {
    submission: { id: submission.id, status: submission.status, submittedAtText: formatBeijingTime(submission.submittedAt, "minute"), lastActivityText: formatBeijingTime(submission.lastActivityAt, "minute") },
    statusLabel: statusLabelOf(state),
    unit: { id: ctx.unit.id, name: ctx.unit.name, code: ctx.unit.code },
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, open },
    deadline: deadlineInfo(ctx, state, now),
    completeness,
    leaves,
    preview: previewSummary(preview),
    timeline: loadTimeline(db, submission.id, ctx.leaves),
    canReturn: actions.includes("return"),
    canReopen: actions.includes("reopen"),
    canExtend: open && submission.status !== "submitted",
  };
}
