import { asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { indicatorNodes, indicatorSets } from "../../db/schema";
import { checkIndicatorSet, type CoverageGap, type PolicyReport } from "../domain/indicator-policy";
import type { IndicatorSpec, StoredIndicator } from "../domain/indicator-spec";
import type { Dimension, LeafRule } from "../../scoring";

type Reader = Db | Tx;
type NodeRow = typeof indicatorNodes.$inferSelect;

/**
 * The `rule` column of a node: a leaf's rule, or — on a top-level penalty node with children —
 * that part's cap as `{"cap": n}` (see db/schema/cycles.ts). Null otherwise.
 */
export function ruleColumn(node: { part?: string; rule?: LeafRule | null; cap?: number }, isTop: boolean, isLeaf: boolean): Record<string, unknown> | null {
  if (isLeaf) return node.rule ? (node.rule as unknown as Record<string, unknown>) : null;
  return isTop && node.part === "penalty" && node.cap !== undefined ? { cap: node.cap } : null;
}

/** Reads the `rule` column back into a spec (see ruleColumn). */
export function applyRuleColumn(spec: { rule?: LeafRule; cap?: number }, column: Record<string, unknown> | null, hasChildren: boolean): void {
  if (!column) return;
  if (!("type" in column)) {
    if (typeof column.cap === "number") spec.cap = column.cap;
    return;
  }
  if (!hasChildren) spec.rule = column as unknown as LeafRule;
}

export function rowToSpec(row: NodeRow, hasChildren: boolean): StoredIndicator {
  const spec: StoredIndicator = { nodeId: row.id, code: row.code, name: row.name, points: row.points };
  if (row.dimension) spec.dimension = row.dimension as Dimension;
  if (row.parentId === null) spec.part = row.part;
  applyRuleColumn(spec, row.rule, hasChildren);
  if (row.guidance) spec.guidance = row.guidance;
  if (row.criteria) spec.criteria = row.criteria;
  if (row.basis) spec.basis = row.basis;
  spec.evidenceRequired = row.evidenceRequired;
  if (row.evidenceKinds.length > 0) spec.evidenceKinds = row.evidenceKinds;
  return spec;
}

/** The indicator tree of a set, in display order, with database ids. */
export function loadTree(db: Reader, setId: number): StoredIndicator[] {
  const rows = db
    .select()
    .from(indicatorNodes)
    .where(eq(indicatorNodes.setId, setId))
    .orderBy(asc(indicatorNodes.sortOrder), asc(indicatorNodes.id))
    .all();
  const byParent = new Map<number | null, NodeRow[]>();
  for (const r of rows) {
    const list = byParent.get(r.parentId) ?? [];
    list.push(r);
    byParent.set(r.parentId, list);
  }
  const build = (parentId: number | null): StoredIndicator[] =>
    (byParent.get(parentId) ?? []).map((row) => {
      const children = build(row.id);
      const spec = rowToSpec(row, children.length > 0);
      if (children.length > 0) spec.children = children;
      return spec;
    });
  return build(null);
}

/**
 * Replace a set's whole tree (drafts, imports, templates). Runs inside the caller's transaction;
 * fails (foreign key) if answers already reference the old nodes — published trees change only
 * through amendments.
 */
export function replaceTree(tx: Tx, setId: number, specs: readonly IndicatorSpec[]): void {
  tx.delete(indicatorNodes).where(eq(indicatorNodes.setId, setId)).run();
  insertNodes(tx, setId, null, specs);
}

function insertNodes(tx: Tx, setId: number, parentId: number | null, specs: readonly IndicatorSpec[]): void {
  specs.forEach((s, i) => {
    const isLeaf = !s.children || s.children.length === 0;
    const row = tx
      .insert(indicatorNodes)
      .values({
        setId,
        parentId,
        code: s.code,
        name: s.name,
        dimension: s.dimension ?? null,
        part: parentId === null ? (s.part ?? "base") : "base",
        points: s.points,
        rule: ruleColumn(s, parentId === null, isLeaf),
        guidance: s.guidance ?? "",
        criteria: s.criteria ?? "",
        basis: s.basis ?? "",
        evidenceRequired: s.evidenceRequired ?? false,
        evidenceKinds: s.evidenceKinds ?? [],
        sortOrder: i,
      })
      .returning({ id: indicatorNodes.id })
      .get();
    if (!isLeaf) insertNodes(tx, setId, row.id, s.children!);
  });
}

/** Strip database ids: the spec as templates, exports and copies carry it. */
export function toSpecs(tree: readonly StoredIndicator[]): IndicatorSpec[] {
  return tree.map(({ nodeId: _nodeId, children, ...rest }) => {
    const spec: IndicatorSpec = { ...rest };
    if (children && children.length > 0) spec.children = toSpecs(children);
    return spec;
  });
}

/** The office's recorded reason for the dimensions a set leaves uncovered, or null. */
export function coverageGapOf(db: Reader, setId: number): CoverageGap | null {
  return db.select({ gap: indicatorSets.coverageGap }).from(indicatorSets).where(eq(indicatorSets.id, setId)).get()?.gap ?? null;
}

/** The policy check of a stored set as publishing runs it (its recorded coverage reason included). */
export function checkStoredSet(db: Reader, setId: number, opts: { scale: number; label?: string }): PolicyReport {
  return checkIndicatorSet(toSpecs(loadTree(db, setId)), { ...opts, coverageGap: coverageGapOf(db, setId) });
}
