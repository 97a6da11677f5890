import type { Dimension, IndicatorNode, LeafRule, NodePart } from "../../scoring";

/**
 * An indicator node as the platform stores and edits it: the scoring engine's node plus the
 * guidance shown to departments and evaluators and the evidence requirement. Templates in
 * app/templates, the tree editor, Excel import/export and the database all speak this shape.
 */
export interface IndicatorSpec {
  /** Node id in the assessment package, e.g. "1.2"; unique within its indicator set. */
  code: string;
  name: string;
  dimension?: Dimension;
  /** Top-level nodes only; default base. */
  part?: NodePart;
  /** Top-level penalty nodes only (扣分项): the most the part subtracts in all. */
  cap?: number;
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
    if (s.cap !== undefined) node.cap = s.cap;
    if (s.children && s.children.length > 0) node.children = toPackageNodes(s.children);
    else if (s.rule) node.rule = s.rule;
    const description = [s.guidance, s.criteria].filter(Boolean).join("\n");
    if (description) node.description = description;
    if (s.basis) node.basis = s.basis;
    return node;
  });
}

/** A leaf of a spec tree with what it inherits: dimension, top-level part, ancestors ("1 信息公开"), top first. */
export type TreeLeaf<T extends IndicatorSpec> = T & { effectiveDimension?: Dimension; effectivePart: NodePart; path: string[] };

/** Every leaf of a tree in display order, with its inherited dimension, top-level part and ancestors. */
export function leavesOf<T extends IndicatorSpec>(specs: readonly T[]): TreeLeaf<T>[] {
  const out: TreeLeaf<T>[] = [];
  const walk = (nodes: readonly T[], inherited: { dimension?: Dimension; part?: NodePart }, path: string[]) => {
    for (const s of nodes) {
      const dimension = s.dimension ?? inherited.dimension;
      const part = inherited.part ?? s.part ?? "base";
      if (s.children && s.children.length > 0) walk(s.children as T[], { dimension, part }, [...path, `${s.code} ${s.name}`]);
      else out.push({ ...s, effectiveDimension: dimension, effectivePart: part, path });
    }
  };
  walk(specs, {}, []);
  return out;
}

/**
 * A scored leaf (a node with a rule) of a stored tree as evaluators and departments see it: its
 * stored fields with the texts defaulted to "", its inherited part and dimension, its ancestors
 * ("1 信息公开"), top first.
 */
export interface ScoredLeaf {
  nodeId: number;
  code: string;
  name: string;
  points: number;
  rule: LeafRule;
  part: NodePart;
  dimension?: Dimension;
  /** 考核要点 */
  guidance: string;
  /** 评分标准 */
  criteria: string;
  basis: string;
  path: string[];
}

/**
 * The scored leaves of a stored tree in display order (what evaluators and departments answer);
 * `more` adds fields read from each leaf's node (the self-inspection's evidence requirement).
 */
export function scoredLeaves(tree: readonly StoredIndicator[]): ScoredLeaf[];
export function scoredLeaves<X extends object>(tree: readonly StoredIndicator[], more: (node: StoredIndicator) => X): (ScoredLeaf & X)[];
export function scoredLeaves(tree: readonly StoredIndicator[], more?: (node: StoredIndicator) => object): ScoredLeaf[] {
  return leavesOf(tree).flatMap((n) => {
    if (!n.rule) return [];
    const leaf: ScoredLeaf = {
      nodeId: n.nodeId,
      code: n.code,
      name: n.name,
      points: n.points,
      rule: n.rule,
      part: n.effectivePart,
      guidance: n.guidance ?? "",
      criteria: n.criteria ?? "",
      basis: n.basis ?? "",
      path: n.path,
    };
    if (n.effectiveDimension) leaf.dimension = n.effectiveDimension;
    return [more ? { ...leaf, ...more(n) } : leaf];
  });
}
