import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { statusesAllowing } from "../domain/cycle-capabilities";
import type { Db, Tx } from "../../db/client";
import {
  cycles,
  deadlineExtensions,
  evidenceFiles,
  evidenceLinks,
  indicatorSets,
  returnItems,
  submissionAnswers,
  submissions,
  units,
} from "../../db/schema";
import type { LeafInput } from "../../scoring";
import { scoredLeaves, type ScoredLeaf, type StoredIndicator } from "../domain/indicator-spec";
import type { PreviewContext } from "../domain/self-score";
import { effectiveDue } from "../domain/self-inspection-deadline";
import { loadTree } from "./indicator-tree.server";

/**
 * What every self-inspection read and write needs: the cycle, the unit, its indicator set with the
 * leaves in display order, the unit's submission with answers, open return items, evidence counts
 * and extension. Works on the database or inside a transaction.
 */

export type Reader = Db | Tx;
export type CycleRow = typeof cycles.$inferSelect;
export type UnitRow = typeof units.$inferSelect;
export type SubmissionRow = typeof submissions.$inferSelect;
export type AnswerRow = typeof submissionAnswers.$inferSelect;
export type ReturnItemRow = typeof returnItems.$inferSelect;
export type ExtensionRow = typeof deadlineExtensions.$inferSelect;


export const EVIDENCE_OWNER_TYPE = "submission_leaf" as const;

export function leafOwnerId(submissionId: number, nodeId: number): string {
  return `${submissionId}:${nodeId}`;
}

/** A leaf as departments answer it: with its evidence requirement. */
export interface LeafInfo extends ScoredLeaf {
  evidenceRequired: boolean;
  /** Allowed evidence kinds; empty = every allowed kind. */
  evidenceKinds: string[];
}

export interface UnitContext {
  cycle: CycleRow;
  unit: UnitRow;
  setId: number | null;
  tree: StoredIndicator[];
  leaves: LeafInfo[];
}

/** The cycle in progress: the latest year whose self-inspection is shown (published or later, not archived). */
export function currentCycle(db: Reader): CycleRow | null {
  return (
    db
      .select()
      .from(cycles)
      .where(inArray(cycles.status, statusesAllowing("selfInspectionShown")))
      .orderBy(desc(cycles.year))
      .limit(1)
      .get() ?? null
  );
}

export function leavesOfTree(tree: readonly StoredIndicator[]): LeafInfo[] {
  return scoredLeaves(tree, (n) => ({ evidenceRequired: n.evidenceRequired ?? false, evidenceKinds: n.evidenceKinds ?? [] }));
}

export function loadUnitContext(db: Reader, cycle: CycleRow, unitId: number): UnitContext {
  const unit = db.select().from(units).where(eq(units.id, unitId)).get();
  if (!unit) throw new DomainError("notFound", "单位不存在");
  const set = db
    .select({ id: indicatorSets.id })
    .from(indicatorSets)
    .where(and(eq(indicatorSets.cycleId, cycle.id), eq(indicatorSets.categoryId, unit.categoryId)))
    .get();
  const tree = set ? loadTree(db, set.id) : [];
  return { cycle, unit, setId: set?.id ?? null, tree, leaves: leavesOfTree(tree) };
}

export function previewContext(ctx: UnitContext): PreviewContext {
  const { settings } = ctx.cycle;
  return {
    title: ctx.cycle.title,
    opennessWeightPct: ctx.cycle.opennessWeightPct,
    settings: {
      scale: settings.scale,
      bonusGate: settings.bonusGate,
      vetoScore: settings.vetoScore,
      passMark: settings.passMark,
      grades: settings.grades,
      reconcile: settings.reconcile,
      divergence: settings.divergence,
    },
    calendar: ctx.cycle.calendar,
    indicators: ctx.tree,
    categoryRules: settings.categoryRules?.[String(ctx.unit.categoryId)],
  };
}

// ---------------------------------------------------------------- submission state

export interface SubmissionState {
  submission: SubmissionRow | null;
  answers: Map<number, AnswerRow>;
  /** Open (unresolved) return items by node id. */
  openReturns: Map<number, ReturnItemRow>;
  /** Files + links (not deleted) per node id. */
  evidenceCounts: Map<number, number>;
  extension: ExtensionRow | null;
  /** The unit's deadline: the latest extension, or the cycle's due date. */
  due: string;
}

export function findSubmission(db: Reader, cycleId: number, unitId: number): SubmissionRow | undefined {
  return db
    .select()
    .from(submissions)
    .where(and(eq(submissions.cycleId, cycleId), eq(submissions.unitId, unitId)))
    .get();
}

export function latestExtension(db: Reader, cycleId: number, unitId: number): ExtensionRow | null {
  return (
    db
      .select()
      .from(deadlineExtensions)
      .where(and(eq(deadlineExtensions.cycleId, cycleId), eq(deadlineExtensions.unitId, unitId)))
      .orderBy(desc(deadlineExtensions.id))
      .limit(1)
      .get() ?? null
  );
}

/** Files + links (not deleted) per owner id. */
export function evidenceCountsByOwner(db: Reader, ownerIds: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  if (ownerIds.length === 0) return counts;
  const ids = [...ownerIds];
  const add = (rows: { ownerId: string; n: number }[]) => {
    for (const r of rows) counts.set(r.ownerId, (counts.get(r.ownerId) ?? 0) + Number(r.n));
  };
  add(
    db
      .select({ ownerId: evidenceFiles.ownerId, n: sql<number>`count(*)` })
      .from(evidenceFiles)
      .where(and(eq(evidenceFiles.ownerType, EVIDENCE_OWNER_TYPE), inArray(evidenceFiles.ownerId, ids), isNull(evidenceFiles.deletedAt)))
      .groupBy(evidenceFiles.ownerId)
      .all(),
  );
  add(
    db
      .select({ ownerId: evidenceLinks.ownerId, n: sql<number>`count(*)` })
      .from(evidenceLinks)
      .where(and(eq(evidenceLinks.ownerType, EVIDENCE_OWNER_TYPE), inArray(evidenceLinks.ownerId, ids), isNull(evidenceLinks.deletedAt)))
      .groupBy(evidenceLinks.ownerId)
      .all(),
  );
  return counts;
}

export function loadSubmissionState(db: Reader, ctx: UnitContext, submission: SubmissionRow | null | undefined): SubmissionState {
  const extension = latestExtension(db, ctx.cycle.id, ctx.unit.id);
  const due = effectiveDue(ctx.cycle.selfInspectionDue, extension?.until);
  if (!submission) return { submission: null, answers: new Map(), openReturns: new Map(), evidenceCounts: new Map(), extension, due };
  const answers = new Map(
    db
      .select()
      .from(submissionAnswers)
      .where(eq(submissionAnswers.submissionId, submission.id))
      .all()
      .map((a) => [a.nodeId, a] as const),
  );
  const openReturns = new Map(
    db
      .select()
      .from(returnItems)
      .where(and(eq(returnItems.submissionId, submission.id), isNull(returnItems.resolvedAt)))
      .all()
      .map((r) => [r.nodeId, r] as const),
  );
  const byOwner = evidenceCountsByOwner(
    db,
    ctx.leaves.map((l) => leafOwnerId(submission.id, l.nodeId)),
  );
  const evidenceCounts = new Map(ctx.leaves.map((l) => [l.nodeId, byOwner.get(leafOwnerId(submission.id, l.nodeId)) ?? 0] as const));
  return { submission, answers, openReturns, evidenceCounts, extension, due };
}

// ---------------------------------------------------------------- completeness

export interface LeafRef {
  nodeId: number;
  code: string;
  name: string;
}

export interface MissingReport {
  unanswered: LeafRef[];
  missingEvidence: LeafRef[];
}

export interface Completeness extends MissingReport {
  total: number;
  answered: number;
  evidenceRequired: number;
  evidenceAttached: number;
  complete: boolean;
}

export function isAnswered(answer: AnswerRow | undefined): boolean {
  return !!answer && answer.input !== null;
}

export function isNa(answer: AnswerRow | undefined): boolean {
  return !!answer?.input && (answer.input as LeafInput).na === true;
}

/** Answered or N/A per leaf; required evidence per applicable (not N/A) leaf. */
export function completenessOf(leaves: readonly LeafInfo[], state: Pick<SubmissionState, "answers" | "evidenceCounts">): Completeness {
  const unanswered: LeafRef[] = [];
  const missingEvidence: LeafRef[] = [];
  let answered = 0;
  let evidenceRequired = 0;
  let evidenceAttached = 0;
  for (const leaf of leaves) {
    const ref = { nodeId: leaf.nodeId, code: leaf.code, name: leaf.name };
    const answer = state.answers.get(leaf.nodeId);
    if (isAnswered(answer)) answered++;
    else unanswered.push(ref);
    if (leaf.evidenceRequired && !isNa(answer)) {
      evidenceRequired++;
      if ((state.evidenceCounts.get(leaf.nodeId) ?? 0) > 0) evidenceAttached++;
      else missingEvidence.push(ref);
    }
  }
  return {
    total: leaves.length,
    answered,
    evidenceRequired,
    evidenceAttached,
    unanswered,
    missingEvidence,
    complete: unanswered.length === 0 && missingEvidence.length === 0,
  };
}

const refList = (refs: LeafRef[]) => refs.map((r) => `${r.code} ${r.name}`).join("、");

/** "以下指标尚未填报：…；以下指标缺少佐证材料：…" */
export function missingMessage(m: MissingReport): string {
  const parts: string[] = [];
  if (m.unanswered.length > 0) parts.push(`以下${m.unanswered.length}项指标尚未填报：${refList(m.unanswered)}`);
  if (m.missingEvidence.length > 0) parts.push(`以下${m.missingEvidence.length}项指标缺少佐证材料：${refList(m.missingEvidence)}`);
  return `还不能提交。${parts.join("；")}。`;
}

/** Saved inputs by leaf code, for the preview. */
export function inputsByCode(leaves: readonly LeafInfo[], answers: Map<number, AnswerRow>): Record<string, LeafInput | null> {
  const out: Record<string, LeafInput | null> = {};
  for (const leaf of leaves) out[leaf.code] = (answers.get(leaf.nodeId)?.input as LeafInput | null | undefined) ?? null;
  return out;
}

