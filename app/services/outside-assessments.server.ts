import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import { outsideAssessments } from "../../db/schema";
import { cycleAllows } from "../domain/cycle-capabilities";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { DomainError } from "../domain/domain-error";
import type { ScoredLeaf } from "../domain/indicator-spec";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import { cycleUnits, getCycle, setFor, STALE_MESSAGE, type CycleRow, type CycleUnit, type Reader } from "./evaluation-context.server";

/**
 * Outside offices' assessments (外部单位评价): a leaf whose rule says “以县外网办评价为准”
 * (`designated` with `designatedKind: "outside"`) takes the value the office records here for each
 * unit; the package carries it as the score entry {value, by: source, kind: "outside"}
 * (cycle-package.server.ts). Recorded by form or Excel (outside-assessments-xlsx.server.ts), each
 * change audited in its transaction, while the cycle allows it (capability recordOutsideAssessments).
 */

export type OutsideRow = typeof outsideAssessments.$inferSelect;

/** A leaf designated to an outside office, in one category's set. */
export interface OutsideLeaf {
  nodeId: number;
  code: string;
  name: string;
  /** The highest value the leaf accepts: its points, or its discretion bound (酌情给分). */
  max: number;
  categoryId: number;
  categoryName: string;
  source: string;
}

export function isOutsideLeaf(leaf: ScoredLeaf): leaf is ScoredLeaf & {
  rule: { type: "score"; designated: string; designatedKind: "outside" };
} {
  return leaf.rule.type === "score" && leaf.rule.designated !== undefined && leaf.rule.designatedKind === "outside";
}

/** Every leaf of the cycle's sets designated to an outside office, by category order then tree order. */
export function outsideLeaves(db: Reader, cycleId: number): OutsideLeaf[] {
  const out: OutsideLeaf[] = [];
  const seen = new Set<number>();
  for (const u of cycleUnits(db, cycleId)) {
    if (seen.has(u.categoryId)) continue;
    seen.add(u.categoryId);
    for (const leaf of setFor(db, cycleId, u.categoryId)?.leaves ?? []) {
      if (!isOutsideLeaf(leaf)) continue;
      const max = leaf.rule.discretionMax ?? leaf.points;
      out.push({
        nodeId: leaf.nodeId,
        code: leaf.code,
        name: leaf.name,
        max,
        categoryId: u.categoryId,
        categoryName: u.categoryName,
        source: leaf.rule.designated,
      });
    }
  }
  return out;
}

/** The outside offices the cycle's sets name, in order of first appearance. */
export function outsideSources(leaves: readonly OutsideLeaf[]): string[] {
  return [...new Set(leaves.map((l) => l.source))];
}

/** One unit × leaf of a source's sheet, with the value recorded (or null). */
export interface OutsideCell {
  unit: CycleUnit;
  leaf: OutsideLeaf;
  recorded: OutsideRow | null;
}

/** What the office fills in for the cycle: every unit × leaf designated to an outside office (one source, or all). */
export function outsideCells(db: Reader, cycleId: number, source: string | null = null): OutsideCell[] {
  const leaves = outsideLeaves(db, cycleId).filter((l) => source === null || l.source === source);
  if (leaves.length === 0) return [];
  const rows = db.select().from(outsideAssessments).where(eq(outsideAssessments.cycleId, cycleId)).orderBy(asc(outsideAssessments.id)).all();
  const byKey = new Map(rows.map((r) => [`${r.unitId} ${r.nodeId} ${r.source}`, r]));
  const cells: OutsideCell[] = [];
  for (const unit of cycleUnits(db, cycleId)) {
    for (const leaf of leaves) {
      if (leaf.categoryId !== unit.categoryId) continue;
      cells.push({
        unit,
        leaf,
        recorded: byKey.get(`${unit.id} ${leaf.nodeId} ${leaf.source}`) ?? null,
      });
    }
  }
  return cells;
}

/** The recorded values of a cycle that designated leaves take, by unit then node (for the package). */
export function outsideValuesByUnit(db: Reader, cycleId: number): Map<number, OutsideRow[]> {
  const out = new Map<number, OutsideRow[]>();
  for (const r of db.select().from(outsideAssessments).where(eq(outsideAssessments.cycleId, cycleId)).orderBy(asc(outsideAssessments.id)).all()) {
    const list = out.get(r.unitId);
    if (list) list.push(r);
    else out.set(r.unitId, [r]);
  }
  return out;
}

/** Refused once the cycle's results are final (or before it is published). */
export function assertOutsideOpen(cycle: CycleRow): void {
  if (!cycleAllows(cycle.status, "recordOutsideAssessments")) {
    throw new DomainError("conflict", `${cycle.year}年度考核当前为“${CYCLE_STATUS_LABELS[cycle.status]}”，不能录入或修改外部单位评价`);
  }
}

const VALUE_RE = /^\d+(\.\d{1,2})?$/;

/** A value as typed: empty removes the recorded value; else a number with at most 2 decimals. */
export const outsideValueText = z
  .string()
  .trim()
  .refine((v) => v === "" || VALUE_RE.test(v), "评价分值须为不小于0的数字，最多保留2位小数");

export const outsideFormSchema = z.object({
  unitId: z.coerce.number({ invalid_type_error: "请选择单位" }).int().positive("请选择单位"),
  nodeId: z.coerce.number({ invalid_type_error: "请选择指标" }).int().positive("请选择指标"),
  source: z.string({ required_error: "缺少评价来源" }).trim().min(1, "缺少评价来源"),
  value: z.string().optional().default("").pipe(outsideValueText),
  note: z.string().trim().max(500, "说明最多500个字").optional().default(""),
  /** The version the form was opened at ("" for a value not recorded yet): a stale form is refused. */
  version: z.string().optional().default(""),
});
export type OutsideInput = z.infer<typeof outsideFormSchema>;

/** Why a value is beyond the leaf's bound, or null. */
export function outsideBoundProblem(value: number | null, leaf: OutsideLeaf): string | null {
  return value !== null && value > leaf.max ? `指标“${leaf.code} ${leaf.name}”的评价分值须在0至${leaf.max}分之间` : null;
}

/** A checked value text as a number, or null (empty: remove the recorded value). */
export function outsideValue(text: string): number | null {
  return text === "" ? null : Number(text);
}

/** The leaf of a unit that takes this outside office's value (refused otherwise). */
export function outsideTarget(db: Reader, cycleId: number, unit: CycleUnit, nodeId: number, source: string): OutsideLeaf {
  const leaf = outsideLeaves(db, cycleId).find((l) => l.categoryId === unit.categoryId && l.nodeId === nodeId);
  if (!leaf) throw new DomainError("invalid", `该指标不以外部单位评价为准，不能为“${unit.name}”录入外部单位评价`, "nodeId");
  if (leaf.source !== source) throw new DomainError("invalid", `指标“${leaf.code} ${leaf.name}”以${leaf.source}评价为准，不接受“${source}”的评价`, "source");
  return leaf;
}

/**
 * Write one value (insert, change or remove) with its audit row, inside the caller's transaction.
 * Returns whether anything changed.
 */
export function writeOutsideValue(tx: Tx, actor: Actor, cycleId: number, unitId: number, leaf: OutsideLeaf, value: number | null, note: string, extra: object = {}): boolean {
  const current = tx
    .select()
    .from(outsideAssessments)
    .where(
      and(eq(outsideAssessments.cycleId, cycleId), eq(outsideAssessments.unitId, unitId), eq(outsideAssessments.nodeId, leaf.nodeId), eq(outsideAssessments.source, leaf.source)),
    )
    .get();
  const at = new Date().toISOString();
  if (value === null) {
    if (!current) return false;
    tx.delete(outsideAssessments).where(eq(outsideAssessments.id, current.id)).run();
    writeAudit(tx, actor, {
      action: "outside.assessment.delete",
      entityType: "outside_assessment",
      entityId: current.id,
      before: current,
      after: extra,
    });
    return true;
  }
  if (current && current.value === value && current.note === note) return false;
  const row = current
    ? tx
        .update(outsideAssessments)
        .set({
          value,
          note,
          version: current.version + 1,
          updatedBy: actor.id,
          updatedAt: at,
        })
        .where(eq(outsideAssessments.id, current.id))
        .returning()
        .get()
    : tx
        .insert(outsideAssessments)
        .values({
          cycleId,
          unitId,
          nodeId: leaf.nodeId,
          source: leaf.source,
          value,
          note,
          updatedBy: actor.id,
          updatedAt: at,
        })
        .returning()
        .get();
  writeAudit(tx, actor, {
    action: "outside.assessment.save",
    entityType: "outside_assessment",
    entityId: row.id,
    before: current ?? null,
    after: { ...row, ...extra },
  });
  return true;
}

/** Record (or with an empty value remove) one outside office's value for a unit × leaf, from the form. */
export function saveOutsideValue(db: Db, actor: Actor, cycleId: number, input: OutsideInput): boolean {
  return mutate(db, (tx) => {
    const cycle = getCycle(tx, cycleId);
    assertOutsideOpen(cycle);
    const unit = cycleUnits(tx, cycleId).find((u) => u.id === input.unitId);
    if (!unit) throw new DomainError("invalid", "该单位不在本年度考核范围内", "unitId");
    const leaf = outsideTarget(tx, cycleId, unit, input.nodeId, input.source);
    const value = outsideValue(input.value);
    const problem = outsideBoundProblem(value, leaf);
    if (problem) throw new DomainError("invalid", problem, "value");
    const current = tx
      .select({ version: outsideAssessments.version })
      .from(outsideAssessments)
      .where(
        and(
          eq(outsideAssessments.cycleId, cycleId),
          eq(outsideAssessments.unitId, unit.id),
          eq(outsideAssessments.nodeId, leaf.nodeId),
          eq(outsideAssessments.source, leaf.source),
        ),
      )
      .get();
    if (String(current?.version ?? "") !== input.version) throw new DomainError("conflict", STALE_MESSAGE);
    return writeOutsideValue(tx, actor, cycleId, unit.id, leaf, value, value === null ? "" : input.note);
  });
}
