import { and, asc, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { type Db, type Tx } from "../../db/client";
import {
  arbitrations,
  categories,
  cycles,
  evaluatorEntries,
  evidenceFiles,
  evidenceLinks,
  indicatorAmendments,
  indicatorNodes,
  indicatorSets,
  submissionAnswers,
  users,
  type CarryMode,
  type CycleStatus,
} from "../../db/schema";
import { checkIndicatorSet, MAX_DEPTH, type CoverageGap } from "../domain/indicator-policy";
import type { IndicatorSpec, StoredIndicator } from "../domain/indicator-spec";
import { rowToSpec, toSpecs } from "./indicator-tree.server";
import { DomainError } from "../domain/domain-error";

/**
 * The read side of an indicator set: its cycle and mode, the validation panel, one node with its
 * stored data counts, the places a node may move to, and the amendment history; plus the node
 * structure the operations (indicators.server.ts) and carry-over (indicator-carry.server.ts) work on.
 */
export type NodeRow = typeof indicatorNodes.$inferSelect;
export type Reader = Db | Tx;

export const FROZEN_MESSAGE = "本考核年度已公布结果或已定稿、归档，指标体系不能再修改。";

export interface SetInfo {
  id: number;
  cycleId: number;
  categoryId: number;
  categoryName: string;
  updatedAt: string;
  /** The office's recorded reason for leaving mandated dimensions uncovered. */
  coverageGap: CoverageGap | null;
  cycle: { id: number; year: number; title: string; status: CycleStatus; scale: number };
}

export function getSetInfo(db: Reader, cycleId: number, setId: number): SetInfo {
  const row = db
    .select({ set: indicatorSets, categoryName: categories.name, cycle: cycles })
    .from(indicatorSets)
    .innerJoin(categories, eq(categories.id, indicatorSets.categoryId))
    .innerJoin(cycles, eq(cycles.id, indicatorSets.cycleId))
    .where(and(eq(indicatorSets.id, setId), eq(indicatorSets.cycleId, cycleId)))
    .get();
  if (!row) throw new DomainError("notFound", "该指标体系不存在。");
  return {
    id: row.set.id,
    cycleId: row.set.cycleId,
    categoryId: row.set.categoryId,
    categoryName: row.categoryName,
    updatedAt: row.set.updatedAt,
    coverageGap: row.set.coverageGap ?? null,
    cycle: { id: row.cycle.id, year: row.cycle.year, title: row.cycle.title, status: row.cycle.status, scale: row.cycle.settings.scale },
  };
}

// ---------------------------------------------------------------- validation panel

export interface ReportItem {
  message: string;
  /** The node the problem is about, when the path names one. */
  nodeId: number | null;
  code: string | null;
}

export interface SetReport {
  errors: ReportItem[];
  warnings: ReportItem[];
}

/** The node a validator path such as "indicators[1].children[0].rule.tiers[0]" points at. */
export function nodeAtPath<T extends IndicatorSpec>(tree: readonly T[], path: string): T | null {
  if (!path.startsWith("indicators")) return null;
  let rest = path.slice("indicators".length);
  let level: readonly T[] = tree;
  let found: T | null = null;
  for (;;) {
    const m = /^\[(\d+)\]/.exec(rest);
    if (!m) break;
    found = level[Number(m[1])] ?? null;
    if (!found) return null;
    rest = rest.slice(m[0].length);
    if (!rest.startsWith(".children[")) break;
    level = (found.children ?? []) as T[];
    rest = rest.slice(".children".length);
  }
  return found;
}

/** checkIndicatorSet on a stored tree (with its recorded coverage reason), each problem tied to its node. */
export function reportFor(tree: readonly StoredIndicator[], scale: number, coverageGap: CoverageGap | null): SetReport {
  const report = checkIndicatorSet(toSpecs(tree), { scale, coverageGap });
  const item = (e: { path: string; message: string }): ReportItem => {
    const node = nodeAtPath(tree, e.path);
    return { message: e.message, nodeId: node?.nodeId ?? null, code: node?.code ?? null };
  };
  return { errors: report.errors.map(item), warnings: report.warnings.map(item) };
}

// ---------------------------------------------------------------- reading nodes

export interface Structure {
  rows: Map<number, NodeRow>;
  children: Map<number | null, NodeRow[]>;
}

export function readStructure(tx: Reader, setId: number): Structure {
  const all = tx.select().from(indicatorNodes).where(eq(indicatorNodes.setId, setId)).orderBy(asc(indicatorNodes.sortOrder), asc(indicatorNodes.id)).all();
  const rows = new Map(all.map((r) => [r.id, r]));
  const children = new Map<number | null, NodeRow[]>();
  for (const r of all) {
    const list = children.get(r.parentId) ?? [];
    list.push(r);
    children.set(r.parentId, list);
  }
  return { rows, children };
}

export function levelOf(s: Structure, id: number): number {
  let level = 1;
  let row = s.rows.get(id);
  while (row && row.parentId !== null) {
    level++;
    row = s.rows.get(row.parentId);
  }
  return level;
}

export function subtreeIds(s: Structure, id: number): number[] {
  const out = [id];
  for (const c of s.children.get(id) ?? []) out.push(...subtreeIds(s, c.id));
  return out;
}

/** Levels below and including the node (a leaf has height 1). */
export function heightOf(s: Structure, id: number): number {
  const kids = s.children.get(id) ?? [];
  return 1 + (kids.length ? Math.max(...kids.map((k) => heightOf(s, k.id))) : 0);
}

/** A node's spec as amendments and the audit log record it (no database id). */
export function specOf(row: NodeRow, hasChildren: boolean): IndicatorSpec {
  const { nodeId: _nodeId, ...spec } = rowToSpec(row, hasChildren);
  return spec;
}

/** Stored answers and evaluator entries that hold data for these nodes. */
export function dataCount(tx: Reader, nodeIds: number[]): number {
  if (nodeIds.length === 0) return 0;
  const answers = tx
    .select({ id: submissionAnswers.id })
    .from(submissionAnswers)
    .where(and(inArray(submissionAnswers.nodeId, nodeIds), isNotNull(submissionAnswers.input)))
    .all().length;
  const entries = tx
    .select({ id: evaluatorEntries.id })
    .from(evaluatorEntries)
    .where(and(inArray(evaluatorEntries.nodeId, nodeIds), isNotNull(evaluatorEntries.input)))
    .all().length;
  const arbitrated = tx.select({ id: arbitrations.id }).from(arbitrations).where(inArray(arbitrations.nodeId, nodeIds)).all().length;
  return answers + entries + arbitrated;
}

/** Any row at all (even without input) that points at these nodes: they cannot be deleted. */
export function referenced(tx: Reader, nodeIds: number[]): boolean {
  if (nodeIds.length === 0) return false;
  return (
    !!tx.select({ id: submissionAnswers.id }).from(submissionAnswers).where(inArray(submissionAnswers.nodeId, nodeIds)).limit(1).get() ||
    !!tx.select({ id: evaluatorEntries.id }).from(evaluatorEntries).where(inArray(evaluatorEntries.nodeId, nodeIds)).limit(1).get() ||
    !!tx.select({ id: arbitrations.id }).from(arbitrations).where(inArray(arbitrations.nodeId, nodeIds)).limit(1).get() ||
    // Evidence is owned by the leaf (a foreign key), even without an answer.
    !!tx.select({ id: evidenceFiles.id }).from(evidenceFiles).where(inArray(evidenceFiles.nodeId, nodeIds)).limit(1).get() ||
    !!tx.select({ id: evidenceLinks.id }).from(evidenceLinks).where(inArray(evidenceLinks.nodeId, nodeIds)).limit(1).get()
  );
}

export interface NodeDetail {
  nodeId: number;
  parentId: number | null;
  level: number;
  isLeaf: boolean;
  spec: IndicatorSpec;
  /** Stored answers / evaluator entries / arbitrations for this node (leaves). */
  dataCount: number;
}

export function getNodeDetail(db: Reader, setId: number, nodeId: number): NodeDetail {
  const s = readStructure(db, setId);
  const row = s.rows.get(nodeId);
  if (!row) throw new DomainError("notFound", "该指标不存在。");
  const isLeaf = (s.children.get(nodeId) ?? []).length === 0;
  return { nodeId, parentId: row.parentId, level: levelOf(s, nodeId), isLeaf, spec: specOf(row, !isLeaf), dataCount: isLeaf ? dataCount(db, [nodeId]) : 0 };
}

/** Where a node may be moved: the top level or any node of a level that leaves the subtree within three levels. */
export function moveTargets(db: Reader, setId: number, nodeId: number): { id: number | null; label: string }[] {
  const s = readStructure(db, setId);
  if (!s.rows.has(nodeId)) throw new DomainError("notFound", "该指标不存在。");
  const excluded = new Set(subtreeIds(s, nodeId));
  const height = heightOf(s, nodeId);
  const out: { id: number | null; label: string }[] = [{ id: null, label: "（作为一级指标）" }];
  const walk = (parentId: number | null, level: number) => {
    for (const r of s.children.get(parentId) ?? []) {
      if (excluded.has(r.id)) continue;
      if (level + height <= MAX_DEPTH) out.push({ id: r.id, label: `${"　".repeat(level - 1)}${r.code} ${r.name}` });
      walk(r.id, level + 1);
    }
  };
  walk(null, 1);
  return out;
}

export interface AmendmentRow {
  id: number;
  at: string;
  reason: string;
  carry: CarryMode | null;
  actorName: string | null;
  nodeCode: string | null;
  summary: string;
}

export function listAmendments(db: Reader, setId: number): AmendmentRow[] {
  return db
    .select({
      id: indicatorAmendments.id,
      at: indicatorAmendments.at,
      reason: indicatorAmendments.reason,
      carry: indicatorAmendments.carry,
      actorName: users.displayName,
      nodeCode: indicatorNodes.code,
      after: indicatorAmendments.after,
    })
    .from(indicatorAmendments)
    .leftJoin(users, eq(users.id, indicatorAmendments.actorId))
    .leftJoin(indicatorNodes, eq(indicatorNodes.id, indicatorAmendments.nodeId))
    .where(eq(indicatorAmendments.setId, setId))
    .orderBy(desc(indicatorAmendments.id))
    .all()
    .map(({ after, ...r }) => ({ ...r, summary: typeof (after as { summary?: unknown })?.summary === "string" ? (after as { summary: string }).summary : "" }));
}
