// Compile a validated indicator set: its leaves in tree order, each with its rule module's compiled
// form (what does not depend on a unit's input is prepared once here).
import { numStr } from "./decimal";
import { add, num, type Rat } from "./rational";
import { RULES, type CompileEnv, type LeafDef, type RuleModule } from "./rules";
import { DIMENSION_KEYS, type Dimension, type IndicatorNode, type IndicatorSet, type Part } from "./schema";

export const DIM_INDEX = new Map<Dimension, number>(DIMENSION_KEYS.map((k, i) => [k, i]));

export interface CompiledLeaf extends LeafDef {
  pointsStr: string;
  pointsRat: Rat;
  /** Index into DIMENSION_KEYS, or -1. */
  dim: number;
  /** The rule module that scores this leaf, and its compiled form of the leaf. */
  module: RuleModule<unknown>;
  compiled: unknown;
  /** Outcomes by input key (RuleModule.key) within one compute() call. */
  outcomes: Map<number, Outcome>;
}

/** A leaf's result for one input, reused for inputs with the same key. */
export interface Outcome {
  explain: string;
  score: Rat;
  /** score rounded to integer cents */
  c: number;
  na: boolean;
  divergent: boolean;
}

export interface CompiledSet {
  category: string;
  /** Leaves in tree (pre-)order. */
  leaves: CompiledLeaf[];
  /** Σ points of the top-level bonus nodes: the most the bonus part can add. */
  bonusCap: Rat;
  hasBonusPart: boolean;
  /** Leaf ids in tree order with null values, in fast-properties mode; cloned for each unit. */
  template: Record<string, null>;
}

export function compileSet(set: IndicatorSet, env: CompileEnv): CompiledSet {
  const leaves: CompiledLeaf[] = [];
  const walk = (node: IndicatorNode, part: Part, dim: Dimension | undefined): void => {
    const d = node.dimension ?? dim;
    if (node.children && node.children.length > 0) {
      for (const c of node.children) walk(c, part, d);
      return;
    }
    if (!node.rule) return;
    const def: LeafDef = { id: node.id, name: node.name, points: node.points, part, dimension: d, rule: node.rule };
    leaves.push({
      ...def,
      pointsStr: numStr(node.points),
      pointsRat: num(node.points),
      dim: d === undefined ? -1 : (DIM_INDEX.get(d) as number),
      module: RULES[node.rule.type],
      compiled: RULES[node.rule.type].compile(def, env),
      outcomes: new Map(),
    });
  };
  let bonusCap = num(0);
  let hasBonusPart = false;
  for (const top of set.indicators) {
    const part = top.part ?? "base";
    if (part === "bonus") {
      hasBonusPart = true;
      bonusCap = addPoints(bonusCap, top.points);
    }
    walk(top, part, undefined);
  }
  return { category: set.category, leaves, bonusCap, hasBonusPart, template: leafTemplate(leaves.map((l) => l.id)) };
}

function addPoints(a: Rat, points: number): Rat {
  return add(a, num(points));
}

/**
 * An object with the given keys (validation refuses "__proto__") in fast-properties mode, as
 * JSON.parse builds them; every field may hold a leaf result, so filling a clone never changes its layout.
 */
function leafTemplate(ids: string[]): Record<string, null> {
  const o: Record<string, null> = {};
  for (const id of ids) o[id] = null;
  const t = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
  const a = { score: 0, max: 0, na: false, divergent: false, explain: "" };
  for (const id of ids) {
    t[id] = a;
    t[id] = null;
  }
  return t as Record<string, null>;
}
