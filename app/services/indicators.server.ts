import Decimal from "decimal.js";
import { editModeOf } from "../domain/cycle-capabilities";
import { DomainError } from "../domain/domain-error";
import { and, eq } from "drizzle-orm";
import { type Db, type Tx } from "../../db/client";
import { indicatorAmendments, indicatorNodes, indicatorSets, type CarryMode } from "../../db/schema";
import { normalizeRule } from "../domain/indicator-format";
import { MAX_DEPTH } from "../domain/indicator-policy";
import { mutate, writeAudit, type Actor } from "../utils/audit.server";
import type { FieldErrors } from "../utils/form.server";
import type { AmendmentInput, NodeInput } from "../domain/indicator-form";
import { CARRY_LABELS } from "../domain/indicator-form";
import { checkStoredSet, ruleColumn } from "./indicator-tree.server";
import {
  type NodeRow,
  type Structure,
  readStructure,
  levelOf,
  subtreeIds,
  heightOf,
  specOf,
  dataCount,
  referenced,
  FROZEN_MESSAGE,
  getSetInfo,
  type SetInfo,
} from "./indicator-structure.server";
import { type CarryOutcome, planCarry, applyCarry } from "./indicator-carry.server";

/**
 * Operations on the nodes of an indicator set (指标体系). While the cycle is a draft they apply
 * directly; once it is published every change is an amendment (修订): a reason is required, parent
 * points follow the change, stored answers and evaluator entries of a leaf whose points change are
 * carried over as the office chooses, the result must still pass validation, and the change is
 * recorded in indicator_amendments and the audit log in the same transaction.
 */

// ---------------------------------------------------------------- operations

/**
 * A tree operation's answer. Deliberately a result, not a thrown refusal: a refused edit carries
 * every problem the live check of the whole set found (`problems`), listed on the page beside the
 * form's field messages. A missing set or node is a thrown DomainError (notFound).
 */
export type OpResult = { ok: true; message: string; nodeId: number | null } | { ok: false; fieldErrors: FieldErrors; problems: string[] };

const fail = (fieldErrors: FieldErrors, problems: string[] = []): OpResult => ({ ok: false, fieldErrors, problems });

interface OpContext {
  tx: Tx;
  set: SetInfo;
  mode: "draft" | "amend";
  s: Structure;
  actor: Actor;
  amendment: AmendmentInput | null;
  now: string;
}

/** Common frame of every operation: mode check, reason check, refusal rollback. */
function run(db: Db, actor: Actor, cycleId: number, setId: number, amendment: AmendmentInput | null, op: (c: OpContext) => OpResult): OpResult {
  try {
    return mutate(db, (tx) => {
      const set = getSetInfo(tx, cycleId, setId);
      const mode = editModeOf(set.cycle.status);
      if (mode === "frozen") return fail({ _form: FROZEN_MESSAGE });
      if (mode === "amend" && !amendment) {
        return fail({ reason: "指标体系已发布，修改须以修订方式进行：请填写修订原因" });
      }
      const now = new Date().toISOString();
      const result = op({ tx, set, mode, s: readStructure(tx, setId), actor, amendment: mode === "amend" ? amendment : null, now });
      if (result.ok) tx.update(indicatorSets).set({ updatedAt: now }).where(eq(indicatorSets.id, setId)).run();
      return result;
    });
  } catch (error) {
    // An amendment refused inside the transaction (assertStillValid): rolled back, answered as a result.
    if (error instanceof DomainError && error.code === "invalid" && error.details && "problems" in error.details) {
      return fail({ _form: error.message }, (error.details as { problems: string[] }).problems);
    }
    throw error;
  }
}

function codeTaken(s: Structure, code: string, selfId?: number): NodeRow | undefined {
  for (const r of s.rows.values()) if (r.code === code && r.id !== selfId) return r;
  return undefined;
}

function nodeValues(input: NodeInput, isTop: boolean, isLeaf: boolean) {
  return {
    code: input.code,
    name: input.name,
    dimension: input.dimension,
    part: isTop ? input.part : ("base" as const),
    points: input.points,
    rule: ruleColumn({ part: input.part, rule: input.rule && normalizeRule(input.rule), cap: input.cap ?? undefined }, isTop, isLeaf),
    guidance: input.guidance,
    criteria: input.criteria,
    basis: input.basis,
    evidenceRequired: input.evidenceRequired,
    evidenceKinds: input.evidenceKinds,
  };
}

/** Renumber siblings 0..n-1 in the given order. */
function writeOrder(tx: Tx, siblings: NodeRow[]): void {
  siblings.forEach((r, i) => {
    if (r.sortOrder !== i) tx.update(indicatorNodes).set({ sortOrder: i }).where(eq(indicatorNodes.id, r.id)).run();
  });
}

/**
 * After a published tree changes: every ancestor of the changed parents takes the sum of its
 * children's points (exact decimals). Returns the adjustments made.
 */
function rebalance(tx: Tx, setId: number, parentIds: (number | null)[]): { code: string; from: number; to: number }[] {
  const changes: { code: string; from: number; to: number }[] = [];
  const pending = new Set(parentIds.filter((p): p is number => p !== null));
  // Bottom-up: deepest first, re-reading after each write.
  while (pending.size) {
    const s = readStructure(tx, setId);
    const id = [...pending].sort((a, b) => levelOf(s, b) - levelOf(s, a))[0];
    pending.delete(id);
    const row = s.rows.get(id);
    if (!row) continue;
    const kids = s.children.get(id) ?? [];
    if (kids.length === 0) continue;
    const sum = kids.reduce((acc, k) => acc.plus(new Decimal(k.points)), new Decimal(0)).toNumber();
    if (sum !== row.points) {
      tx.update(indicatorNodes).set({ points: sum }).where(eq(indicatorNodes.id, id)).run();
      changes.push({ code: row.code, from: row.points, to: sum });
      if (row.parentId !== null) pending.add(row.parentId);
    }
  }
  return changes;
}

function describeAdjustments(changes: { code: string; from: number; to: number }[]): string {
  if (!changes.length) return "";
  return `上级指标分值已相应调整：${changes.map((c) => `${c.code}（${c.from}→${c.to}）`).join("、")}。`;
}

/** An amendment must leave the published tree valid; otherwise roll back with the problems. */
function assertStillValid(c: OpContext): void {
  const report = checkStoredSet(c.tx, c.set.id, { scale: c.set.cycle.scale });
  if (report.errors.length) {
    throw new DomainError("invalid", "修订后的指标体系未通过校验，本次修订未保存。已发布的指标体系必须始终没有错误，请调整后再提交。", undefined, {
      problems: report.errors.map((e) => e.message),
    });
  }
}

function recordAmendment(
  c: OpContext,
  nodeId: number | null,
  carry: CarryMode | null,
  before: unknown,
  after: Record<string, unknown> & { summary: string }
): void {
  const reason = c.amendment!.reason;
  const row = c.tx
    .insert(indicatorAmendments)
    .values({ setId: c.set.id, nodeId, reason, carry, before: before ?? null, after, actorId: c.actor.id, at: c.now })
    .returning()
    .get();
  writeAudit(c.tx, c.actor, {
    action: "indicator.amend",
    entityType: "indicator_set",
    entityId: c.set.id,
    before,
    after: { amendmentId: row.id, nodeId, reason, carry, ...after },
  });
}

export type NodePosition = { kind: "top" } | { kind: "child"; parentId: number } | { kind: "after"; siblingId: number };

/** Add a node (a new leaf) at the top level, as the last child of a node, or right after a sibling. */
export function addNode(
  db: Db,
  actor: Actor,
  cycleId: number,
  setId: number,
  position: NodePosition,
  input: NodeInput,
  amendment: AmendmentInput | null = null
): OpResult {
  return run(db, actor, cycleId, setId, amendment, (c) => {
    const { tx, s } = c;
    let parentId: number | null = null;
    let index: number;
    if (position.kind === "top") {
      index = (s.children.get(null) ?? []).length;
    } else if (position.kind === "child") {
      if (!s.rows.has(position.parentId)) throw new DomainError("notFound", "上级指标不存在。");
      parentId = position.parentId;
      index = (s.children.get(parentId) ?? []).length;
    } else {
      const sibling = s.rows.get(position.siblingId);
      if (!sibling) throw new DomainError("notFound", "该指标不存在。");
      parentId = sibling.parentId;
      index = (s.children.get(parentId) ?? []).findIndex((r) => r.id === sibling.id) + 1;
    }
    const level = parentId === null ? 1 : levelOf(s, parentId) + 1;
    if (level > MAX_DEPTH) return fail({ _form: "指标体系最多设三级指标，不能在三级指标下再添加下级指标。" });
    const clash = codeTaken(s, input.code);
    if (clash) return fail({ code: `编码“${input.code}”已被指标“${clash.name}”使用` });
    if (!input.rule) return fail({ ruleType: "请选择评分规则" });

    const parent = parentId === null ? null : s.rows.get(parentId)!;
    const parentWasLeaf = parent !== null && (s.children.get(parent.id) ?? []).length === 0;
    if (parentWasLeaf && c.mode === "amend" && dataCount(tx, [parent.id]) > 0) {
      return fail({ _form: `指标“${parent.code} ${parent.name}”已有单位填报或评分数据，不能在其下添加下级指标。` });
    }
    const row = tx
      .insert(indicatorNodes)
      .values({ setId, parentId, sortOrder: index, ...nodeValues(input, parentId === null, true) })
      .returning()
      .get();
    const siblings = [...(s.children.get(parentId) ?? [])];
    siblings.splice(index, 0, row);
    writeOrder(tx, siblings);
    let note = "";
    if (parentWasLeaf) {
      tx.update(indicatorNodes).set({ rule: null }).where(eq(indicatorNodes.id, parent.id)).run();
      note = `“${parent.code}”已成为上级指标，其原有评分规则已移除。`;
    }
    if (c.mode === "draft") {
      writeAudit(tx, actor, { action: "indicator.node.create", entityType: "indicator_node", entityId: row.id, after: row });
      return { ok: true, message: `已添加指标“${row.code} ${row.name}”。${note}`, nodeId: row.id };
    }
    const adjustments = rebalance(tx, setId, [parentId]);
    assertStillValid(c);
    const summary = `新增指标“${row.code} ${row.name}”（${row.points}分）。${note}${describeAdjustments(adjustments)}`;
    recordAmendment(c, row.id, null, null, { op: "add", node: specOf(row, false), ancestors: adjustments, summary });
    return { ok: true, message: `修订已保存：${summary}`, nodeId: row.id };
  });
}

/** Edit a node's fields. For a published set, points or rule changes carry existing data over. */
export function updateNode(db: Db, actor: Actor, cycleId: number, setId: number, nodeId: number, input: NodeInput, amendment: AmendmentInput | null = null): OpResult {
  return run(db, actor, cycleId, setId, amendment, (c) => {
    const { tx, s } = c;
    const before = s.rows.get(nodeId);
    if (!before) throw new DomainError("notFound", "该指标不存在。");
    const isLeaf = (s.children.get(nodeId) ?? []).length === 0;
    const clash = codeTaken(s, input.code, nodeId);
    if (clash) return fail({ code: `编码“${input.code}”已被指标“${clash.name}”使用` });
    if (isLeaf && !input.rule) return fail({ ruleType: "请选择评分规则" });
    const values = nodeValues(input, before.parentId === null, isLeaf);

    if (c.mode === "draft") {
      const after = tx.update(indicatorNodes).set(values).where(eq(indicatorNodes.id, nodeId)).returning().get();
      writeAudit(tx, actor, { action: "indicator.node.update", entityType: "indicator_node", entityId: nodeId, before, after });
      return { ok: true, message: `已保存指标“${after.code} ${after.name}”。`, nodeId };
    }

    const changed = (Object.keys(values) as (keyof typeof values)[]).some((k) => JSON.stringify(values[k]) !== JSON.stringify(before[k]));
    if (!changed) return fail({ _form: "没有任何修改。" });

    // Carry-over of the stored data of a leaf whose points or rule change.
    const pointsChanged = isLeaf && values.points !== before.points;
    const ruleChanged = isLeaf && JSON.stringify(values.rule) !== JSON.stringify(normalizeRule(before.rule) ?? before.rule);
    let carry = c.amendment!.carry;
    let carried: CarryOutcome | null = null;
    if (isLeaf && (pointsChanged || ruleChanged)) {
      const outcome = planCarry(tx, before, values, carry);
      if (!outcome.ok) return fail({ carry: outcome.message });
      carried = outcome;
    } else carry = null;

    const after = tx.update(indicatorNodes).set(values).where(eq(indicatorNodes.id, nodeId)).returning().get();
    if (carried) applyCarry(tx, carried, actor, c.now);
    const adjustments = values.points !== before.points ? rebalance(tx, setId, [before.parentId]) : [];
    assertStillValid(c);
    const parts = [`修订指标“${after.code} ${after.name}”`];
    if (values.points !== before.points) parts.push(`分值${before.points}→${after.points}`);
    if (ruleChanged) parts.push("评分规则已修改");
    if (carried && carried.count > 0) {
      // A rule change the stored data still fits needs no carry mode: the data stays as it is.
      parts.push(carry ? `已有${carried.count}条填报/评分数据按“${CARRY_LABELS[carry].split("（")[0]}”处理` : `已有${carried.count}条填报/评分数据符合修订后的规则，保持不变`);
    }
    const summary = `${parts.join("，")}。${describeAdjustments(adjustments)}`;
    recordAmendment(
      c,
      nodeId,
      carried && carried.count > 0 ? carry : null,
      { node: specOf(before, !isLeaf), data: carried?.before ?? [] },
      {
        op: "update",
        node: specOf(after, !isLeaf),
        ancestors: adjustments,
        data: carried?.after ?? [],
        summary,
      }
    );
    return { ok: true, message: `修订已保存：${summary}`, nodeId };
  });
}

/** Move a node one place up or down among its siblings. */
export function reorderNode(
  db: Db,
  actor: Actor,
  cycleId: number,
  setId: number,
  nodeId: number,
  direction: "up" | "down",
  amendment: AmendmentInput | null = null
): OpResult {
  return run(db, actor, cycleId, setId, amendment, (c) => {
    const row = c.s.rows.get(nodeId);
    if (!row) throw new DomainError("notFound", "该指标不存在。");
    const siblings = [...(c.s.children.get(row.parentId) ?? [])];
    const index = siblings.findIndex((r) => r.id === nodeId);
    const target = direction === "up" ? index - 1 : index + 1;
    if (target < 0 || target >= siblings.length) {
      return fail({ _form: direction === "up" ? "该指标已在同级最前面。" : "该指标已在同级最后面。" });
    }
    const beforeOrder = siblings.map((r) => r.code);
    [siblings[index], siblings[target]] = [siblings[target], siblings[index]];
    writeOrder(c.tx, siblings);
    const afterOrder = siblings.map((r) => r.code);
    const summary = `调整指标“${row.code} ${row.name}”的顺序（${direction === "up" ? "上移" : "下移"}）。`;
    if (c.mode === "draft") {
      writeAudit(c.tx, actor, {
        action: "indicator.node.reorder",
        entityType: "indicator_node",
        entityId: nodeId,
        before: { order: beforeOrder },
        after: { order: afterOrder },
      });
    } else {
      recordAmendment(c, nodeId, null, { order: beforeOrder }, { op: "reorder", order: afterOrder, summary });
    }
    return { ok: true, message: c.mode === "draft" ? "顺序已调整。" : `修订已保存：${summary}`, nodeId };
  });
}

/** Move a node (with its subtree) under another parent, as its last child; null = top level. */
export function moveNode(
  db: Db,
  actor: Actor,
  cycleId: number,
  setId: number,
  nodeId: number,
  newParentId: number | null,
  amendment: AmendmentInput | null = null
): OpResult {
  return run(db, actor, cycleId, setId, amendment, (c) => {
    const { tx, s } = c;
    const row = s.rows.get(nodeId);
    if (!row) throw new DomainError("notFound", "该指标不存在。");
    if (row.parentId === newParentId) return fail({ parentId: "指标已在该位置。" });
    if (newParentId !== null) {
      if (!s.rows.has(newParentId)) return fail({ parentId: "所选上级指标不存在。" });
      if (subtreeIds(s, nodeId).includes(newParentId)) return fail({ parentId: "不能移动到本指标自己或其下级指标之下。" });
      if (levelOf(s, newParentId) + heightOf(s, nodeId) > MAX_DEPTH) {
        return fail({ parentId: "移动后将超过三级指标，请选择更高层级的上级指标。" });
      }
    }
    const parent = newParentId === null ? null : s.rows.get(newParentId)!;
    const parentWasLeaf = parent !== null && (s.children.get(parent.id) ?? []).length === 0;
    if (parentWasLeaf && c.mode === "amend" && dataCount(tx, [parent.id]) > 0) {
      return fail({ parentId: `指标“${parent.code} ${parent.name}”已有单位填报或评分数据，不能在其下添加下级指标。` });
    }
    const oldSiblings = (s.children.get(row.parentId) ?? []).filter((r) => r.id !== nodeId);
    const newSiblings = s.children.get(newParentId) ?? [];
    const moved = tx
      .update(indicatorNodes)
      .set({ parentId: newParentId, sortOrder: newSiblings.length, part: newParentId === null ? row.part : "base" })
      .where(eq(indicatorNodes.id, nodeId))
      .returning()
      .get();
    writeOrder(tx, oldSiblings);
    let note = "";
    if (parentWasLeaf) {
      tx.update(indicatorNodes).set({ rule: null }).where(eq(indicatorNodes.id, parent.id)).run();
      note = `“${parent.code}”已成为上级指标，其原有评分规则已移除。`;
    }
    const where = parent ? `“${parent.code} ${parent.name}”之下` : "一级指标";
    if (c.mode === "draft") {
      writeAudit(tx, actor, { action: "indicator.node.move", entityType: "indicator_node", entityId: nodeId, before: row, after: moved });
      return { ok: true, message: `已将“${row.code} ${row.name}”移到${where}。${note}`, nodeId };
    }
    const adjustments = rebalance(tx, setId, [row.parentId, newParentId]);
    assertStillValid(c);
    const summary = `将指标“${row.code} ${row.name}”移到${where}。${note}${describeAdjustments(adjustments)}`;
    recordAmendment(c, nodeId, null, { parentId: row.parentId }, { op: "move", parentId: newParentId, ancestors: adjustments, summary });
    return { ok: true, message: `修订已保存：${summary}`, nodeId };
  });
}

/** Delete a node and everything below it. Nodes that hold submitted data cannot be deleted. */
export function deleteNode(db: Db, actor: Actor, cycleId: number, setId: number, nodeId: number, amendment: AmendmentInput | null = null): OpResult {
  return run(db, actor, cycleId, setId, amendment, (c) => {
    const { tx, s } = c;
    const row = s.rows.get(nodeId);
    if (!row) throw new DomainError("notFound", "该指标不存在。");
    const ids = subtreeIds(s, nodeId);
    if (referenced(tx, ids)) {
      return fail({ _form: `指标“${row.code} ${row.name}”（或其下级指标）已有单位填报或评分数据，不能删除。` });
    }
    const removed = ids.map((id) => specOf(s.rows.get(id)!, (s.children.get(id) ?? []).length > 0));
    // Children first (foreign keys point at the parent).
    for (const id of [...ids].reverse()) tx.delete(indicatorNodes).where(eq(indicatorNodes.id, id)).run();
    writeOrder(
      tx,
      (s.children.get(row.parentId) ?? []).filter((r) => r.id !== nodeId)
    );
    const label = `“${row.code} ${row.name}”${ids.length > 1 ? `及其${ids.length - 1}个下级指标` : ""}`;
    if (c.mode === "draft") {
      writeAudit(tx, actor, { action: "indicator.node.delete", entityType: "indicator_node", entityId: nodeId, before: { setId, nodes: removed } });
      return { ok: true, message: `已删除指标${label}。`, nodeId: null };
    }
    const adjustments = rebalance(tx, setId, [row.parentId]);
    assertStillValid(c);
    const summary = `删除指标${label}。${describeAdjustments(adjustments)}`;
    recordAmendment(c, null, null, { nodes: removed }, { op: "delete", code: row.code, ancestors: adjustments, summary });
    return { ok: true, message: `修订已保存：${summary}`, nodeId: null };
  });
}
