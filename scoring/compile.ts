// Flatten a validated indicator set into the leaves the engine scores.
import { compileLimit, type CompiledLimit } from "./calendar";
import { numStr } from "./decimal";
import type { Dimension, Fault, IndicatorNode, IndicatorSet, LeafRule, Part } from "./schema";

export interface LeafSpec {
  id: string;
  name: string;
  points: number;
  pointsStr: string;
  part: Part;
  dimension: Dimension | undefined;
  rule: LeafRule;
  /** deduction: fault code → fault */
  faults: Map<string, Fault> | undefined;
  /** timeliness: prepared limit */
  limit: CompiledLimit | undefined;
}

export interface CompiledSet {
  category: string;
  /** Leaves in tree (pre-)order. */
  leaves: LeafSpec[];
  byId: Map<string, LeafSpec>;
  /** Ids of nodes that have children. */
  parents: Set<string>;
  /** Points of the top-level bonus nodes: their sum is the most the bonus part can add. */
  bonusPoints: number[];
  /** Points of the base-part leaves. */
  basePoints: number[];
}

export function compileSet(set: IndicatorSet): CompiledSet {
  const leaves: LeafSpec[] = [];
  const parents = new Set<string>();
  const bonusPoints: number[] = [];
  const basePoints: number[] = [];

  const walk = (node: IndicatorNode, part: Part, dim: Dimension | undefined): void => {
    const d = node.dimension ?? dim;
    if (node.children && node.children.length > 0) {
      parents.add(node.id);
      for (const c of node.children) walk(c, part, d);
      return;
    }
    if (!node.rule) return;
    const rule = node.rule;
    leaves.push({
      id: node.id,
      name: node.name,
      points: node.points,
      pointsStr: numStr(node.points),
      part,
      dimension: d,
      rule,
      faults: rule.type === "deduction" ? new Map(rule.faults.map((f) => [f.code, f])) : undefined,
      limit: rule.type === "timeliness" ? compileLimit(rule.limit) : undefined,
    });
    if (part === "base") basePoints.push(node.points);
  };

  for (const top of set.indicators) {
    const part = top.part ?? "base";
    if (part === "bonus") bonusPoints.push(top.points);
    walk(top, part, undefined);
  }
  return {
    category: set.category,
    leaves,
    byId: new Map(leaves.map((l) => [l.id, l])),
    parents,
    bonusPoints,
    basePoints,
  };
}
