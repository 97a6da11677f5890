import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { DomainError } from "../domain/domain-error";
import { cycleAllows } from "../domain/cycle-capabilities";
import type { Db, Tx } from "../../db/client";
import { cycles, evaluatorAssignments, evaluatorEntries, spotCheckBatches, spotCheckUnits, units, users } from "../../db/schema";
import type { LeafInput } from "../../scoring";
import { describeInput, inputsDiffer, parseReviewForm, reviewFormState, type EntryCorrections, type FormLike } from "../domain/review-input";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import { listDivergences } from "./arbitration.server";
import { listEvidence } from "./evidence.server";
import { notifyUsers, roleUserIds } from "./notifications.server";
import { entryCounts } from "./assignments.server";
import { getCycle, getUnit, nodeOwner, selfAssessment, setFor, STALE_MESSAGE, type AssignmentRow, type CycleRow, type Reader } from "./evaluation-context.server";
import type { ScoredLeaf } from "../domain/indicator-spec";
import { leafOwnerId } from "./self-inspection-context.server";

/**
 * The evaluator's workspace (评估任务): the queue of assigned units, per-leaf entries with optimistic
 * concurrency, and sign-off (签署). An evaluator reaches only their own assignments; other
 * evaluators' entries only after signing the unit off themselves.
 */

export const NOT_ASSIGNED_MESSAGE = "您未被分配评估该单位，无权访问。";
export const PEERS_HIDDEN_MESSAGE = "签署本单位评分后才能查看其他评估员的录入。";

export function reviewQueue(db: Reader, evaluatorId: number) {
  const rows = db
    .select({ a: evaluatorAssignments, cycle: cycles, unitName: units.name, unitCode: units.code, categoryId: units.categoryId })
    .from(evaluatorAssignments)
    .innerJoin(cycles, eq(cycles.id, evaluatorAssignments.cycleId))
    .innerJoin(units, eq(units.id, evaluatorAssignments.unitId))
    .where(eq(evaluatorAssignments.evaluatorId, evaluatorId))
    .orderBy(desc(cycles.year), asc(units.sortOrder), asc(units.code))
    .all();
  const counts = entryCounts(
    db,
    rows.map((r) => r.a.id),
  );
  const leafCount = new Map<string, number>();
  const assignments = rows.map((r) => {
    const key = `${r.cycle.id}:${r.categoryId}`;
    if (!leafCount.has(key)) leafCount.set(key, setFor(db, r.cycle.id, r.categoryId)?.leaves.length ?? 0);
    return {
      assignmentId: r.a.id,
      cycleYear: r.cycle.year,
      cycleTitle: r.cycle.title,
      cycleStatus: r.cycle.status,
      unitId: r.a.unitId,
      unitCode: r.unitCode,
      unitName: r.unitName,
      lead: r.a.lead,
      signedOffAt: r.a.signedOffAt,
      entered: counts.get(r.a.id) ?? 0,
      total: leafCount.get(key)!,
    };
  });
  const inspections = db
    .select({ batchId: spotCheckBatches.id, seed: spotCheckBatches.seed, cycleYear: cycles.year, unitId: spotCheckUnits.unitId, unitName: units.name, unitCode: units.code })
    .from(spotCheckUnits)
    .innerJoin(spotCheckBatches, eq(spotCheckBatches.id, spotCheckUnits.batchId))
    .innerJoin(cycles, eq(cycles.id, spotCheckBatches.cycleId))
    .innerJoin(units, eq(units.id, spotCheckUnits.unitId))
    .where(eq(spotCheckUnits.inspectorId, evaluatorId))
    .orderBy(desc(cycles.year), asc(spotCheckBatches.id), asc(units.code))
    .all();
  return { assignments, inspections };
}

/** The evaluator's assignment for a unit in a cycle, or 403. */
export function requireAssignment(db: Reader, evaluatorId: number, unitId: number, cycleId: number): AssignmentRow {
  const a = db
    .select()
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.evaluatorId, evaluatorId), eq(evaluatorAssignments.unitId, unitId), eq(evaluatorAssignments.cycleId, cycleId)))
    .get();
  if (!a) throw new DomainError("forbidden", NOT_ASSIGNED_MESSAGE);
  return a;
}

/** The cycle of `?cycle=<year>` among the evaluator's assignments for the unit, else the newest one. */
export function assignedCycle(db: Reader, evaluatorId: number, unitId: number, yearParam: string | null): CycleRow {
  const rows = db
    .select({ cycle: cycles })
    .from(evaluatorAssignments)
    .innerJoin(cycles, eq(cycles.id, evaluatorAssignments.cycleId))
    .where(and(eq(evaluatorAssignments.evaluatorId, evaluatorId), eq(evaluatorAssignments.unitId, unitId)))
    .orderBy(desc(cycles.year))
    .all();
  if (rows.length === 0) throw new DomainError("forbidden", NOT_ASSIGNED_MESSAGE);
  if (yearParam) {
    const hit = rows.find((r) => String(r.cycle.year) === yearParam);
    if (!hit) throw new DomainError("forbidden", NOT_ASSIGNED_MESSAGE);
    return hit.cycle;
  }
  return rows[0].cycle;
}

/** Why the evaluator cannot change this assignment's entries now (null when they can). */
export function editableReason(cycle: CycleRow, a: AssignmentRow): string | null {
  if (!cycleAllows(cycle.status, "evaluate")) return `${cycle.year}年度考核当前不在评审阶段，评估录入只读。`;
  if (a.signedOffAt) return "您已签署本单位评分，录入只读；如需修改，请联系政务公开办退回签署。";
  return null;
}

function myEntries(db: Reader, assignmentId: number) {
  return new Map(
    db
      .select()
      .from(evaluatorEntries)
      .where(eq(evaluatorEntries.assignmentId, assignmentId))
      .all()
      .map((e) => [e.nodeId, e] as const),
  );
}

function coEvaluators(db: Reader, a: AssignmentRow) {
  return db
    .select({ a: evaluatorAssignments, name: users.displayName })
    .from(evaluatorAssignments)
    .innerJoin(users, eq(users.id, evaluatorAssignments.evaluatorId))
    .where(and(eq(evaluatorAssignments.cycleId, a.cycleId), eq(evaluatorAssignments.unitId, a.unitId)))
    .orderBy(asc(evaluatorAssignments.id))
    .all()
    .filter((r) => r.a.id !== a.id);
}

export function loadReviewUnit(db: Reader, user: SessionUser, unitId: number, yearParam: string | null) {
  const unit = getUnit(db, unitId);
  const cycle = assignedCycle(db, user.id, unitId, yearParam);
  const a = requireAssignment(db, user.id, unitId, cycle.id);
  const set = setFor(db, cycle.id, unit.categoryId);
  const leaves = set?.leaves ?? [];
  const self = selfAssessment(db, cycle.id, unitId);
  const entries = myEntries(db, a.id);
  const rows = leaves.map((l) => {
    const selfInput = self.answers.get(l.nodeId)?.input ?? null;
    const entry = entries.get(l.nodeId);
    const entryInput = (entry?.input as LeafInput | null | undefined) ?? null;
    return {
      nodeId: l.nodeId,
      code: l.code,
      name: l.name,
      points: l.points,
      ruleType: l.rule.type,
      path: l.path,
      self: describeInput(l.rule, selfInput),
      hasSelf: selfInput !== null,
      entered: entry !== undefined,
      entry: entryInput ? describeInput(l.rule, entryInput) : null,
      differs: entryInput !== null && selfInput !== null && inputsDiffer(l.rule, selfInput, entryInput),
    };
  });
  const missing = rows.filter((r) => !r.entered);
  const readOnly = editableReason(cycle, a);
  return {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status },
    unit,
    assignment: { id: a.id, lead: a.lead, signedOffAt: a.signedOffAt },
    submissionStatus: self.submission?.status ?? null,
    leaves: rows,
    entered: rows.length - missing.length,
    readOnly,
    canSignOff: readOnly === null && rows.length > 0 && missing.length === 0,
    peers: coEvaluators(db, a).map((p) => ({ name: p.name, lead: p.a.lead, signedOff: p.a.signedOffAt !== null })),
  };
}

function leafFor(db: Reader, unitId: number, nodeId: number): { cycle: CycleRow; leaf: ScoredLeaf; leaves: ScoredLeaf[] } {
  const owner = nodeOwner(db, nodeId);
  const unit = getUnit(db, unitId);
  if (!owner || owner.categoryId !== unit.categoryId) throw new DomainError("notFound", "该指标不存在或不适用于该单位");
  const set = setFor(db, owner.cycleId, owner.categoryId)!;
  const leaf = set.leaves.find((l) => l.nodeId === nodeId);
  if (!leaf) throw new DomainError("notFound", "该指标不是末级指标");
  return { cycle: getCycle(db, owner.cycleId), leaf, leaves: set.leaves };
}

export function loadReviewLeaf(db: Reader, user: SessionUser, unitId: number, nodeId: number, opts: { peers?: boolean } = {}) {
  // Assignment first: someone not assigned learns nothing about the unit's indicators.
  const owner = nodeOwner(db, nodeId);
  if (owner) requireAssignment(db, user.id, unitId, owner.cycleId);
  const { cycle, leaf, leaves } = leafFor(db, unitId, nodeId);
  const a = requireAssignment(db, user.id, unitId, cycle.id);
  if (opts.peers && !a.signedOffAt) throw new DomainError("forbidden", PEERS_HIDDEN_MESSAGE);
  const self = selfAssessment(db, cycle.id, unitId);
  const answer = self.answers.get(nodeId);
  const selfInput = answer?.input ?? null;
  const evidence = self.submission ? listEvidence(db, "submission_leaf", leafOwnerId(self.submission.id, nodeId)) : { files: [], links: [] };
  const entry = db
    .select()
    .from(evaluatorEntries)
    .where(and(eq(evaluatorEntries.assignmentId, a.id), eq(evaluatorEntries.nodeId, nodeId)))
    .get();
  const entryInput = (entry?.input as LeafInput | null | undefined) ?? null;
  const idx = leaves.findIndex((l) => l.nodeId === nodeId);
  const peers =
    opts.peers && a.signedOffAt
      ? coEvaluators(db, a).map((p) => {
          const e = db
            .select()
            .from(evaluatorEntries)
            .where(and(eq(evaluatorEntries.assignmentId, p.a.id), eq(evaluatorEntries.nodeId, nodeId)))
            .get();
          const input = (e?.input as LeafInput | null | undefined) ?? null;
          return { name: p.name, signedOff: p.a.signedOffAt !== null, entry: input ? describeInput(leaf.rule, input) : null, reason: e?.reason ?? "" };
        })
      : null;
  return {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, status: cycle.status, calendar: cycle.calendar },
    unit: getUnit(db, unitId),
    leaf,
    self: {
      input: selfInput,
      summary: describeInput(leaf.rule, selfInput),
      narrative: answer?.narrative ?? "",
      claimsNa: selfInput?.na === true,
    },
    evidence,
    entry: entry
      ? {
          version: entry.version,
          reason: entry.reason,
          corrections: (entry.corrections as EntryCorrections | null) ?? null,
          summary: describeInput(leaf.rule, entryInput),
          updatedAt: entry.updatedAt,
        }
      : null,
    form: reviewFormState(leaf.rule, entryInput, selfInput, entry?.reason ?? ""),
    version: entry?.version ?? 0,
    readOnly: editableReason(cycle, a),
    signedOff: a.signedOffAt !== null,
    prev: idx > 0 ? leaves[idx - 1].nodeId : null,
    next: idx >= 0 && idx < leaves.length - 1 ? leaves[idx + 1].nodeId : null,
    position: { index: idx + 1, total: leaves.length },
    peers,
  };
}

/**
 * Save the evaluator's entry for a leaf. `version` is the version the form was loaded with (0 for
 * a new entry); a stale one is refused with STALE_MESSAGE (409) — never a silent overwrite; a bad
 * form with every field's message (DomainError.fields). Answers the new version.
 */
export function saveEntry(db: Db, actor: Actor, user: SessionUser, unitId: number, nodeId: number, form: FormLike): number {
  const { cycle, leaf } = leafFor(db, unitId, nodeId);
  const a = requireAssignment(db, user.id, unitId, cycle.id);
  const versionRaw = String(form.get("version") ?? "");
  if (!/^\d{1,9}$/.test(versionRaw)) throw new DomainError("invalid", "缺少版本号，请刷新页面后再试");
  const version = Number(versionRaw);
  const self = selfAssessment(db, cycle.id, unitId).answers.get(nodeId)?.input ?? null;
  const parsed = parseReviewForm(leaf, self, form);
  if (!parsed.ok) throw DomainError.fields(parsed.fieldErrors);
  return mutate(db, (tx) => writeEntry(tx, actor, a, cycle.id, nodeId, version, parsed, false));
}

/**
 * Write the evaluator's entry for a leaf inside the caller's transaction: refused (409) when the
 * evaluation is read-only or the entry changed since `version` was read. Answers the new version.
 */
export function writeEntry(
  tx: Tx,
  actor: Actor,
  a: AssignmentRow,
  cycleId: number,
  nodeId: number,
  version: number,
  entry: { input: LeafInput; reason: string; corrections: EntryCorrections | null },
  /** Adopted from the department's answer (采纳单位自评), not typed. */
  adopted: boolean,
): number {
  const fresh = tx.select().from(evaluatorAssignments).where(eq(evaluatorAssignments.id, a.id)).get()!;
  const reason = editableReason(getCycle(tx, cycleId), fresh);
  if (reason) throw new DomainError("conflict", reason);
  const current = tx
    .select()
    .from(evaluatorEntries)
    .where(and(eq(evaluatorEntries.assignmentId, a.id), eq(evaluatorEntries.nodeId, nodeId)))
    .get();
  if ((current?.version ?? 0) !== version) throw new DomainError("conflict", STALE_MESSAGE);
  const at = new Date().toISOString();
  const values = {
    input: entry.input as Record<string, unknown>,
    reason: entry.reason,
    corrections: entry.corrections as Record<string, unknown> | null,
    version: version + 1,
    updatedBy: actor.id,
    updatedAt: at,
  };
  const row = current
    ? tx.update(evaluatorEntries).set(values).where(eq(evaluatorEntries.id, current.id)).returning().get()
    : tx
        .insert(evaluatorEntries)
        .values({ assignmentId: a.id, nodeId, ...values })
        .returning()
        .get();
  writeAudit(tx, actor, { action: adopted ? "evaluation.entry.adopt" : "evaluation.entry.save", entityType: "evaluator_entry", entityId: row.id, before: current, after: row });
  return row.version;
}

/** Sign the unit off (签署): every leaf must have an entry; entries become read-only. */
export function signOff(db: Db, actor: Actor, user: SessionUser, unitId: number, cycleId: number, now = new Date()): void {
  mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    const a = requireAssignment(tx, user.id, unitId, cycleId);
    const reason = editableReason(cycle, a);
    if (reason) throw new DomainError("conflict", reason);
    const unit = getUnit(tx, unitId);
    const leaves = setFor(tx, cycleId, unit.categoryId)?.leaves ?? [];
    const entered = myEntries(tx, a.id);
    const missing = leaves.filter((l) => !entered.has(l.nodeId));
    if (leaves.length === 0) throw new DomainError("conflict", "该单位没有需要评估的指标");
    if (missing.length > 0) {
      throw new DomainError("conflict", `还不能签署。以下${missing.length}项指标尚未录入：${missing.map((l) => `${l.code} ${l.name}`).join("、")}`);
    }
    const after = tx.update(evaluatorAssignments).set({ signedOffAt: now.toISOString() }).where(eq(evaluatorAssignments.id, a.id)).returning().get();
    writeAudit(tx, actor, { action: "evaluation.signoff", entityType: "evaluator_assignment", entityId: a.id, before: a, after });
    notifyDivergences(db, tx, cycle, unit);
  });
}

/**
 * Once the evaluators' entries disagree beyond the threshold, the office and the unit's lead
 * evaluator are told that arbitration is needed (once per set of divergent leaves).
 */
function notifyDivergences(db: Db, tx: Tx, cycle: CycleRow, unit: { id: number; name: string }): void {
  const open = listDivergences(db, cycle.id, { unitId: unit.id }).filter((d) => d.arbitration === null);
  if (open.length === 0) return;
  const leads = tx
    .select({ id: evaluatorAssignments.evaluatorId })
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.cycleId, cycle.id), eq(evaluatorAssignments.unitId, unit.id), eq(evaluatorAssignments.lead, true)))
    .all()
    .map((r) => r.id);
  const codes = open.map((d) => d.code);
  const message = (link: string) => ({
    kind: "arbitration_needed" as const,
    title: `${unit.name}有${open.length}项评分分歧待仲裁`,
    body: `评估员对${codes.join("、")}的评分差异超过阈值，请牵头评估员或政务公开办仲裁。`,
    link,
    cycleId: cycle.id,
    unitId: unit.id,
    dedupeKey: `arbitration_needed:${cycle.id}:${unit.id}:${codes.join(",")}`,
  });
  // The office arbitrates on the divergence list, a lead evaluator on the unit's review page; the
  // group robot hears of the divergence once, from whichever call wrote a notification first.
  const now = new Date();
  const toOffice = notifyUsers(tx, roleUserIds(tx, "office"), message("/evaluation/divergences"), now);
  notifyUsers(tx, leads, message(`/review/${unit.id}?cycle=${cycle.year}`), now, { webhook: toOffice.length === 0 });
}

/** Units (ids) the evaluator is assigned to in a cycle — for lists. */
export function assignedUnitIds(db: Reader, evaluatorId: number, cycleIds: number[]): number[] {
  if (cycleIds.length === 0) return [];
  return db
    .select({ unitId: evaluatorAssignments.unitId })
    .from(evaluatorAssignments)
    .where(and(eq(evaluatorAssignments.evaluatorId, evaluatorId), inArray(evaluatorAssignments.cycleId, cycleIds)))
    .all()
    .map((r) => r.unitId);
}
