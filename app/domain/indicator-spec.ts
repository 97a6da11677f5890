import type { Dimension, IndicatorNode, LeafRule, Part } from "../../scoring";

/**
 * An indicator node as the platform stores and edits it: the scoring engine's node plus the
 * guidance shown to departments and evaluators and the evidence requirement. Templates in
 * seeds/templates, the tree editor, Excel import/export and the database all speak this shape.
 */
export interface IndicatorSpec {
  /** Node id in the assessment package, e.g. "1.2"; unique within its indicator set. */
  code: string;
  name: string;
  dimension?: Dimension;
  /** Top-level nodes only; default base. */
  part?: Part;
  points: number;
  /** Leaves only. */
  rule?: LeafRule;
  children?: IndicatorSpec[];
  /** 考核要点 */
  guidance?: string;
  /** 评分标准 */
  criteria?: string;
  /** Source clause (政策依据). */
  basis?: string;
  evidenceRequired?: boolean;
  /** Allowed evidence kinds (app/utils/evidence-kinds.ts); empty or absent = every allowed kind. */
  evidenceKinds?: string[];
}

/** A stored node: the spec plus its database id (children stored likewise). */
export interface StoredIndicator extends IndicatorSpec {
  nodeId: number;
  children?: StoredIndicator[];
}

/** The scoring engine's view of a spec tree. */
export function toPackageNodes(specs: readonly IndicatorSpec[]): IndicatorNode[] {
  return specs.map((s) => {
    const node: IndicatorNode = { id: s.code, name: s.name, points: s.points };
    if (s.dimension) node.dimension = s.dimension;
    if (s.part && s.part !== "base") node.part = s.part;
    if (s.children && s.children.length > 0) node.children = toPackageNodes(s.children);
    else if (s.rule) node.rule = s.rule;
    const description = [s.guidance, s.criteria].filter(Boolean).join("\n");
    if (description) node.description = description;
    if (s.basis) node.basis = s.basis;
    return node;
  });
}

/** Every leaf of a tree in display order, with its inherited dimension and top-level part. */
export function leavesOf<T extends IndicatorSpec>(
  specs: readonly T[],
  inherited: { dimension?: Dimension; part?: Part } = {},
): (T & { effectiveDimension?: Dimension; effectivePart: Part })[] {
  const out: (T & { effectiveDimension?: Dimension; effectivePart: Part })[] = [];
  for (const s of specs) {
    const dimension = s.dimension ?? inherited.dimension;
    const part = inherited.part ?? s.part ?? "base";
    if (s.children && s.children.length > 0) out.push(...leavesOf(s.children as T[], { dimension, part }));
    else out.push({ ...s, effectiveDimension: dimension, effectivePart: part });
  }
  return out;
}

/** A scored leaf (a node with a rule) of a stored tree, with its inherited part and dimension and its ancestors ("1 信息公开"), top first. */
export interface StoredLeaf {
  node: StoredIndicator & { rule: LeafRule };
  part: Part;
  dimension: Dimension | undefined;
  path: string[];
}

/** The scored leaves of a stored tree in display order (what evaluators and departments answer). */
export function storedLeaves(tree: readonly StoredIndicator[]): StoredLeaf[] {
  const out: StoredLeaf[] = [];
  const walk = (nodes: readonly StoredIndicator[], path: string[], part: Part | undefined, dimension: Dimension | undefined) => {
    for (const n of nodes) {
      const p = part ?? n.part ?? "base";
      const d = n.dimension ?? dimension;
      if (n.children && n.children.length > 0) walk(n.children, [...path, `${n.code} ${n.name}`], p, d);
      else if (n.rule) out.push({ node: { ...n, rule: n.rule }, part: p, dimension: d, path });
    }
  };
  walk(tree, [], undefined, undefined);
  return out;
}
