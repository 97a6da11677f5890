import { and, eq, isNotNull } from "drizzle-orm";
import { type Tx } from "../../db/client";
import { arbitrations, evaluatorEntries, indicatorNodes, submissionAnswers, type CarryMode } from "../../db/schema";
import type { NodePart } from "../../scoring";
import { carryInput } from "../domain/indicator-carry";
import { storedInputRule } from "../domain/designated-source";
import { inputProblems } from "../domain/leaf-input-check";
import { normalizeRule } from "../domain/indicator-format";
import { type Actor } from "../utils/audit.server";
import { CARRY_LABELS } from "../domain/indicator-form";
import { type NodeRow } from "./indicator-structure.server";

/**
 * Carry-over (数据结转): what happens to a leaf's stored answers, evaluator entries and arbitrated
 * values when an amendment changes its points or rule — planned and checked first, then applied in
 * the amendment's transaction (indicators.server.ts).
 */

export interface DataRow {
  table: "answer" | "entry" | "arbitration";
  id: number;
  before: unknown;
  after: unknown;
}

export type CarryOutcome = { ok: true; count: number; rows: DataRow[]; before: DataRow[]; after: DataRow[] };

/**
 * Work out what happens to a leaf's stored data (answers, evaluator entries, arbitrated values)
 * when its points or rule change: refused without a carry mode when data exists and points change,
 * and refused when the carried data would not fit the new rule (then only reset works).
 */
export function planCarry(
  tx: Tx,
  before: NodeRow,
  values: { points: number; rule: Record<string, unknown> | null; code: string; part: string },
  carry: CarryMode | null
): CarryOutcome | { ok: false; message: string } {
  const answers = tx
    .select({ id: submissionAnswers.id, input: submissionAnswers.input })
    .from(submissionAnswers)
    .where(and(eq(submissionAnswers.nodeId, before.id), isNotNull(submissionAnswers.input)))
    .all();
  const entries = tx
    .select({ id: evaluatorEntries.id, input: evaluatorEntries.input })
    .from(evaluatorEntries)
    .where(and(eq(evaluatorEntries.nodeId, before.id), isNotNull(evaluatorEntries.input)))
    .all();
  const arbitrated = tx.select({ id: arbitrations.id, value: arbitrations.value }).from(arbitrations).where(eq(arbitrations.nodeId, before.id)).all();
  const count = answers.length + entries.length + arbitrated.length;
  if (count === 0) return { ok: true, count: 0, rows: [], before: [], after: [] };

  const pointsChanged = values.points !== before.points;
  if (carry === null) {
    if (pointsChanged) {
      return {
        ok: false,
        message: `已有${count}条填报或评分数据，分值由${before.points}改为${values.points}，请选择原有得分的处理方式`,
      };
    }
  }
  const mode: CarryMode | null = carry;
  const newRule = normalizeRule(values.rule);
  const storedRule = newRule && storedInputRule(newRule);
  const ruleType = newRule?.type ?? "score";
  const oldType = normalizeRule(before.rule)?.type;
  const rows: DataRow[] = [];
  const bad: string[] = [];
  const root = rootPart(tx, before);
  const carryOne = (input: Record<string, unknown> | null) =>
    mode === null ? input : carryInput(input, oldType ?? ruleType, before.points, values.points, mode);
  for (const a of answers) {
    const after = mode === "reset" ? null : carryOne(a.input);
    if (after && storedRule) bad.push(...inputProblems({ code: values.code, points: values.points, rule: storedRule, part: root }, after));
    rows.push({ table: "answer", id: a.id, before: a.input, after });
  }
  for (const e of entries) {
    const after = mode === "reset" ? null : carryOne(e.input);
    if (after && storedRule) bad.push(...inputProblems({ code: values.code, points: values.points, rule: storedRule, part: root }, after));
    rows.push({ table: "entry", id: e.id, before: e.input, after });
  }
  for (const r of arbitrated) {
    let value: number | null = r.value;
    if (mode === "reset") value = null;
    else if (mode !== null)
      value = (carryInput({ override: { value: r.value } }, ruleType, before.points, values.points, mode)!.override as { value: number }).value;
    if (value !== null && (value < 0 || value > values.points)) bad.push(`仲裁分值${value}超出新分值范围`);
    rows.push({ table: "arbitration", id: r.id, before: r.value, after: value });
  }
  if (bad.length) {
    const chosen = mode === null ? "" : `按“${CARRY_LABELS[mode].split("（")[0]}”处理后，`;
    return {
      ok: false,
      message: `${chosen}已有的${count}条填报或评分数据与修订后的分值或评分规则不符（如：${bad[0]}），请选择“清空重填”`,
    };
  }
  return { ok: true, count, rows, before: rows.map((r) => ({ ...r, after: undefined })), after: rows.map((r) => ({ ...r, before: undefined })) };
}

function rootPart(tx: Tx, row: NodeRow): NodePart {
  let current: NodeRow | undefined = row;
  while (current && current.parentId !== null) {
    current = tx.select().from(indicatorNodes).where(eq(indicatorNodes.id, current.parentId)).get();
  }
  return current?.part ?? "base";
}

export function applyCarry(tx: Tx, outcome: CarryOutcome, actor: Actor, now: string): void {
  for (const r of outcome.rows) {
    if (JSON.stringify(r.before) === JSON.stringify(r.after)) continue;
    if (r.table === "answer") {
      const current = tx.select({ version: submissionAnswers.version }).from(submissionAnswers).where(eq(submissionAnswers.id, r.id)).get()!;
      tx.update(submissionAnswers)
        .set({ input: r.after as Record<string, unknown> | null, version: current.version + 1, updatedBy: actor.id, updatedAt: now })
        .where(eq(submissionAnswers.id, r.id))
        .run();
    } else if (r.table === "entry") {
      const current = tx.select({ version: evaluatorEntries.version }).from(evaluatorEntries).where(eq(evaluatorEntries.id, r.id)).get()!;
      tx.update(evaluatorEntries)
        .set({ input: r.after as Record<string, unknown> | null, version: current.version + 1, updatedBy: actor.id, updatedAt: now })
        .where(eq(evaluatorEntries.id, r.id))
        .run();
    } else if (r.after === null) {
      tx.delete(arbitrations).where(eq(arbitrations.id, r.id)).run();
    } else {
      tx.update(arbitrations)
        .set({ value: r.after as number })
        .where(eq(arbitrations.id, r.id))
        .run();
    }
  }
}
