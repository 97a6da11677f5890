import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { evaluatorEntries } from "../../db/schema";
import type { LeafInput } from "../../scoring";
import { DomainError } from "../domain/domain-error";
import type { ScoredLeaf } from "../domain/indicator-spec";
import {
  checkLeafInput,
  describeInput,
  inputsDiffer,
  parseReviewForm,
  reviewFormState,
  type EntryCorrections,
  type FormLike,
  type ReviewFormState,
} from "../domain/review-input";
import { can } from "../policy.server";
import { mutate, type Actor } from "../utils/audit.server";
import type { SessionUser } from "../utils/auth.server";
import {
  getCycle,
  getUnit,
  selfAssessment,
  setFor,
  type AssignmentRow,
  type CycleRow,
  type Reader,
} from "./evaluation-context.server";
import {
  assignedCycle,
  editableReason,
  requireAssignment,
  writeEntry,
} from "./reviews.server";

/**
 * The evaluator's batch work on one unit: 采纳单位自评 (the selected leaves recorded as entries equal
 * to the department's answers, each leaf its own entry of this evaluator) and the one-page scoring
 * sheet (every leaf in one form: saved per row or all at once, each row parsed by the very parser of
 * the single-leaf page, app/domain/review-input.ts).
 */

type User = Pick<SessionUser, "id" | "role" | "unitId">;

interface Workspace {
  cycle: CycleRow;
  unit: ReturnType<typeof getUnit>;
  assignment: AssignmentRow;
  leaves: ScoredLeaf[];
  self: ReturnType<typeof selfAssessment>;
}

function workspace(
  db: Reader,
  user: User,
  unitId: number,
  cycle: CycleRow
): Workspace {
  if (!can(db, user, "write", { kind: "review", unitId }))
    throw new DomainError("forbidden", "您未被分配评估该单位，无权访问。");
  const assignment = requireAssignment(db, user.id, unitId, cycle.id);
  const unit = getUnit(db, unitId);
  return {
    cycle,
    unit,
    assignment,
    leaves: setFor(db, cycle.id, unit.categoryId)?.leaves ?? [],
    self: selfAssessment(db, cycle.id, unitId),
  };
}

function entriesOf(db: Reader, assignmentId: number) {
  return new Map(
    db
      .select()
      .from(evaluatorEntries)
      .where(eq(evaluatorEntries.assignmentId, assignmentId))
      .all()
      .map((e) => [e.nodeId, e] as const)
  );
}

/** The entry equal to the department's answer: an accepted N/A, or the answer itself. */
function adoptedInput(self: LeafInput): LeafInput {
  return self.na === true ? { na: true, reason: self.reason ?? "" } : self;
}

// ---------------------------------------------------------------- 采纳单位自评

export interface AdoptPreviewLeaf {
  nodeId: number;
  code: string;
  name: string;
  self: string[];
  /** The evaluator's entry, when there is one that differs (adopting replaces it). */
  replaces: string[] | null;
}

/** The confirmation of 采纳单位自评: the selected leaves with the department's answers; unanswered ones are left out. */
export function adoptPreview(
  db: Reader,
  user: User,
  unitId: number,
  cycleId: number,
  nodeParams: readonly string[]
): { leaves: AdoptPreviewLeaf[]; unanswered: string[] } {
  const ws = workspace(db, user, unitId, getCycle(db, cycleId));
  const wanted = new Set(
    nodeParams.filter((n) => /^[1-9][0-9]{0,15}$/.test(n)).map(Number)
  );
  const entries = entriesOf(db, ws.assignment.id);
  const leaves: AdoptPreviewLeaf[] = [];
  const unanswered: string[] = [];
  for (const leaf of ws.leaves.filter((l) => wanted.has(l.nodeId))) {
    const self = ws.self.answers.get(leaf.nodeId)?.input ?? null;
    if (!self) {
      unanswered.push(`${leaf.code} ${leaf.name}`);
      continue;
    }
    const entry =
      (entries.get(leaf.nodeId)?.input as LeafInput | null | undefined) ?? null;
    leaves.push({
      nodeId: leaf.nodeId,
      code: leaf.code,
      name: leaf.name,
      self: describeInput(leaf.rule, self),
      replaces:
        entry && inputsDiffer(leaf.rule, adoptedInput(self), entry)
          ? describeInput(leaf.rule, entry)
          : null,
    });
  }
  return { leaves, unanswered };
}

/**
 * 采纳单位自评: record each selected leaf as this evaluator's entry equal to the department's answer,
 * in one transaction (an audit row per leaf). A leaf the department did not answer, or whose answer
 * the engine refuses, refuses the whole batch, named.
 */
export function adoptSelfAnswers(
  db: Db,
  actor: Actor,
  user: User,
  unitId: number,
  cycleId: number,
  nodeIds: readonly number[]
): number {
  if (nodeIds.length === 0)
    throw new DomainError("invalid", "请至少选择一项指标");
  return mutate(db, (tx) => {
    const ws = workspace(tx, user, unitId, getCycle(tx, cycleId));
    const readOnly = editableReason(ws.cycle, ws.assignment);
    if (readOnly) throw new DomainError("conflict", readOnly);
    const entries = entriesOf(tx, ws.assignment.id);
    const problems: string[] = [];
    const planned: { leaf: ScoredLeaf; input: LeafInput }[] = [];
    for (const nodeId of new Set(nodeIds)) {
      const leaf = ws.leaves.find((l) => l.nodeId === nodeId);
      if (!leaf)
        throw new DomainError("notFound", "该指标不存在或不适用于该单位");
      const self = ws.self.answers.get(nodeId)?.input ?? null;
      if (!self) {
        problems.push(`${leaf.code} 单位未填报`);
        continue;
      }
      const input = adoptedInput(self);
      const invalid = checkLeafInput(leaf, input);
      if (invalid.length > 0) problems.push(`${leaf.code} ${invalid[0]}`);
      else planned.push({ leaf, input });
    }
    if (problems.length > 0)
      throw new DomainError(
        "invalid",
        `以下指标不能采纳单位自评，均未保存：${problems.join("；")}`
      );
    for (const p of planned) {
      writeEntry(
        tx,
        actor,
        ws.assignment,
        ws.cycle.id,
        p.leaf.nodeId,
        entries.get(p.leaf.nodeId)?.version ?? 0,
        { input: p.input, reason: "", corrections: null },
        true
      );
    }
    return planned.length;
  });
}

// ---------------------------------------------------------------- one-page sheet

/** A row's fields are named `n<nodeId>.<field>`: the single-leaf parser reads them through this view. */
export function rowForm(form: FormLike, nodeId: number): FormLike {
  const prefix = `n${nodeId}.`;
  return {
    get: (name) => form.get(prefix + name),
    getAll: (name) => form.getAll(prefix + name),
  };
}

export interface SheetRow {
  nodeId: number;
  code: string;
  name: string;
  points: number;
  part: ScoredLeaf["part"];
  rule: ScoredLeaf["rule"];
  self: string[];
  claimsNa: boolean;
  entered: boolean;
  version: number;
  form: ReviewFormState;
}

export function loadReviewSheet(
  db: Reader,
  user: User,
  unitId: number,
  yearParam: string | null
) {
  const cycle = assignedCycle(db, user.id, unitId, yearParam);
  const ws = workspace(db, user, unitId, cycle);
  const entries = entriesOf(db, ws.assignment.id);
  const rows: SheetRow[] = ws.leaves.map((leaf) => {
    const self = ws.self.answers.get(leaf.nodeId)?.input ?? null;
    const entry = entries.get(leaf.nodeId);
    const entryInput = (entry?.input as LeafInput | null | undefined) ?? null;
    return {
      nodeId: leaf.nodeId,
      code: leaf.code,
      name: leaf.name,
      points: leaf.points,
      part: leaf.part,
      rule: leaf.rule,
      self: describeInput(leaf.rule, self),
      claimsNa: self?.na === true,
      entered: entry !== undefined,
      version: entry?.version ?? 0,
      form: reviewFormState(leaf.rule, entryInput, self, entry?.reason ?? ""),
    };
  });
  return {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title },
    unit: ws.unit,
    readOnly: editableReason(cycle, ws.assignment),
    rows,
  };
}

/** A sheet refused lists every bad row's field messages as data (the sheet shows them beside each row), so it stays a result. */
export type SheetSaveResult =
  | { ok: true; saved: number }
  | { ok: false; rowErrors: Record<string, Record<string, string>> };

/**
 * Save the rows `nodeIds` of the sheet: each parsed exactly as the single-leaf page parses its form;
 * if any row is invalid nothing is saved and each row's messages come back. All rows are written in
 * one transaction (a stale row refuses the whole save).
 */
export function saveReviewSheet(
  db: Db,
  actor: Actor,
  user: User,
  unitId: number,
  cycleId: number,
  nodeIds: readonly number[],
  form: FormLike
): SheetSaveResult {
  const ws = workspace(db, user, unitId, getCycle(db, cycleId));
  const rowErrors: Record<string, Record<string, string>> = {};
  const planned: {
    leaf: ScoredLeaf;
    version: number;
    entry: {
      input: LeafInput;
      reason: string;
      corrections: EntryCorrections | null;
    };
  }[] = [];
  for (const nodeId of new Set(nodeIds)) {
    const leaf = ws.leaves.find((l) => l.nodeId === nodeId);
    if (!leaf)
      throw new DomainError("notFound", "该指标不存在或不适用于该单位");
    const row = rowForm(form, nodeId);
    const versionRaw = String(row.get("version") ?? "");
    if (!/^\d{1,9}$/.test(versionRaw))
      throw new DomainError("invalid", "缺少版本号，请刷新页面后再试");
    const parsed = parseReviewForm(
      leaf,
      ws.self.answers.get(nodeId)?.input ?? null,
      row
    );
    if (!parsed.ok) rowErrors[String(nodeId)] = parsed.fieldErrors;
    else
      planned.push({
        leaf,
        version: Number(versionRaw),
        entry: {
          input: parsed.input,
          reason: parsed.reason,
          corrections: parsed.corrections,
        },
      });
  }
  if (Object.keys(rowErrors).length > 0) return { ok: false, rowErrors };
  return mutate(db, (tx) => {
    for (const p of planned)
      writeEntry(
        tx,
        actor,
        ws.assignment,
        cycleId,
        p.leaf.nodeId,
        p.version,
        p.entry,
        false
      );
    return { ok: true as const, saved: planned.length };
  });
}
