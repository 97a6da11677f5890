// Compile a validated indicator set: its leaves in tree order, each with its rule module's compiled
// form (what does not depend on a unit's input is prepared once here).
import { numStr } from "./decimal";
import { OutcomeTable } from "./outcomes";
import { add, num, RatSum, type Rat } from "./rational";
import { RULES, type CompileEnv, type LeafDef, type RuleModule } from "./rules";
import { DIMENSION_KEYS, PACKAGE_FORMAT_2, type AssessmentPackage, type BonusGate, type Dimension, type Grade, type IndicatorNode, type IndicatorSet, type NodePart } from "./schema";

export const DIM_INDEX = new Map<Dimension, number>(DIMENSION_KEYS.map((k, i) => [k, i]));

export interface CompiledLeaf extends LeafDef {
  pointsStr: string;
  pointsRat: Rat;
  /** Base leaf: the sum its points go to, by dimension: its index in DIMENSION_KEYS, or DIMENSION_KEYS.length without one. */
  sum: number;
  /** Index of its top-level node in CompiledSet.tops. */
  top: number;
  /** veto rule with a scope: index of the top-level node it zeroes; else -1. */
  vetoes: number;
  /** The rule module that scores this leaf, and its compiled form of the leaf. */
  module: RuleModule<unknown>;
  compiled: unknown;
  /** Outcomes by input key (RuleModule.key), and of N/A inputs, within one compute() call. */
  outcomes: OutcomeTable;
  /** The leaf's result's `max`: its points, 0 for veto and penalty leaves. */
  max: number;
}

/** A top-level node (a part of the table). */
export interface CompiledTop {
  id: string;
  name: string;
  part: NodePart;
  points: Rat;
  /** penalty part: the most it subtracts, or null. */
  cap: Rat | null;
  /** Raw earned points of the node's leaves for the unit being scored (reset per unit; summed only when a bonus gate is on a part). */
  earned: RatSum;
  /** penalty part: deductions of its leaves for the unit being scored (reset per unit). */
  deducted: RatSum;
}

/** The settings of a category: its own where the set has them, else the package's. */
export interface CategorySettings {
  opennessWeightPct: number;
  grades: Grade[];
  passMark: number;
  gate: { value: number; gte: boolean; part: number; partName: string };
}

export interface CompiledSet {
  category: string;
  /** Leaves in tree (pre-)order. */
  leaves: CompiledLeaf[];
  /** Veto leaves first, then the others: part vetoes are known before any part is summed. */
  order: CompiledLeaf[];
  tops: CompiledTop[];
  settings: CategorySettings;
  hasPenaltyPart: boolean;
  /** Σ points of the top-level bonus nodes: the most the bonus part can add. */
  bonusCap: Rat;
  hasBonusPart: boolean;
  /** The figures scoring a unit uses, as exact values and as texts (prepared once, so that scoring reads no package fields). */
  scale: Rat;
  scaleStr: string;
  vetoScore: Rat;
  vetoScoreStr: string;
  weight: Rat;
  weightStr: string;
  gateValue: Rat;
  gateValueStr: string;
  /** zwgk-assessment/2: results state what the penalty part subtracted. */
  reportsPenalty: boolean;
  /** Σ points of the base leaves, and by dimension (index into DIMENSION_KEYS). */
  basePoints: Rat;
  dimPoints: Rat[];
  /** Leaf ids in tree order with null values, in fast-properties mode; cloned for each unit. */
  template: Record<string, null>;
}

export function compileSet(set: IndicatorSet, env: CompileEnv, pkg: AssessmentPackage): CompiledSet {
  const leaves: CompiledLeaf[] = [];
  const topIndex = new Map(set.indicators.map((n, i) => [n.id, i]));
  let top = 0;
  const walk = (node: IndicatorNode, part: NodePart, dim: Dimension | undefined): void => {
    const d = node.dimension ?? dim;
    if (node.children && node.children.length > 0) {
      for (const c of node.children) walk(c, part, d);
      return;
    }
    if (!node.rule) return;
    const scope = node.rule.type === "veto" ? node.rule.scope : undefined;
    const def: LeafDef = { id: node.id, name: node.name, points: node.points, part, dimension: d, rule: node.rule };
    // Every field written out (no spread): all compiled leaves share one hidden class, which keeps
    // the loads in the scoring loop monomorphic.
    leaves.push({
      id: node.id,
      name: node.name,
      points: node.points,
      part,
      dimension: d,
      rule: node.rule,
      pointsStr: numStr(node.points),
      pointsRat: num(node.points),
      sum: d === undefined ? DIMENSION_KEYS.length : (DIM_INDEX.get(d) as number),
      top,
      vetoes: scope === undefined ? -1 : (topIndex.get(scope) as number),
      module: RULES[node.rule.type],
      compiled: RULES[node.rule.type].compile(def, env),
      outcomes: new OutcomeTable(),
      max: part === "veto" || part === "penalty" ? 0 : node.points,
    });
  };
  let bonusCap = num(0);
  let hasBonusPart = false;
  const tops: CompiledTop[] = [];
  for (const node of set.indicators) {
    const part = node.part ?? "base";
    if (part === "bonus") {
      hasBonusPart = true;
      bonusCap = addPoints(bonusCap, node.points);
    }
    tops.push({ id: node.id, name: node.name, part, points: num(node.points), cap: node.cap === undefined ? null : num(node.cap), earned: new RatSum(), deducted: new RatSum() });
    walk(node, part, undefined);
    top++;
  }
  const gate: BonusGate = set.bonusGate ?? { value: pkg.bonusGate, comparison: "gt" };
  const gatePart = gate.part === undefined ? -1 : (topIndex.get(gate.part) as number);
  const weight = set.opennessWeightPct ?? pkg.opennessWeightPct;
  return {
    category: set.category,
    leaves,
    order: [...leaves.filter((l) => l.part === "veto"), ...leaves.filter((l) => l.part !== "veto")],
    tops,
    settings: {
      opennessWeightPct: weight,
      grades: set.grades ?? pkg.grades,
      passMark: set.passMark ?? pkg.passMark,
      gate: { value: gate.value, gte: gate.comparison === "gte", part: gatePart, partName: gatePart < 0 ? "" : tops[gatePart].name },
    },
    hasPenaltyPart: tops.some((t) => t.part === "penalty"),
    bonusCap,
    hasBonusPart,
    scale: num(pkg.scale),
    scaleStr: numStr(pkg.scale),
    vetoScore: num(pkg.vetoScore),
    vetoScoreStr: numStr(pkg.vetoScore),
    weight: num(weight),
    weightStr: numStr(weight),
    gateValue: num(gate.value),
    gateValueStr: numStr(gate.value),
    reportsPenalty: pkg.format === PACKAGE_FORMAT_2,
    basePoints: sumPoints(leaves.filter((l) => l.part === "base")),
    dimPoints: DIMENSION_KEYS.map((_, k) => sumPoints(leaves.filter((l) => l.part === "base" && l.sum === k))),
    template: leafTemplate(leaves.map((l) => l.id)),
  };
}

function sumPoints(leaves: CompiledLeaf[]): Rat {
  let s = num(0);
  for (const l of leaves) s = add(s, l.pointsRat);
  return s;
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
