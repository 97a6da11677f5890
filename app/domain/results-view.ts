import { DIMENSION_KEYS, DIMENSIONS, formatScore, type AssessmentPackage, type Dimension, type UnitResult } from "../../scoring";

/**
 * Client-safe views of results: a unit's headline figures (everything of its `zwgk-results/1`
 * entry but the leaves and the explanation), labels and colours shared by pages, charts and
 * exports.
 */

export type UnitSummary = Omit<UnitResult, "leaves" | "explain">;

/** Whether any category's set has a top-level 扣分项 (penalty part): rankings then show what it subtracted. */
export function hasPenaltyPart(pkg: Pick<AssessmentPackage, "indicatorSets">): boolean {
  return pkg.indicatorSets.some((s) => s.indicators.some((n) => n.part === "penalty"));
}

export function unitSummary(r: UnitResult): UnitSummary {
  return {
    id: r.id,
    name: r.name,
    category: r.category,
    total: r.total,
    base: r.base,
    bonus: r.bonus,
    ...(r.penalty !== undefined ? { penalty: r.penalty } : {}),
    vetoed: r.vetoed,
    vetoReasons: r.vetoReasons,
    grade: r.grade,
    pass: r.pass,
    rank: r.rank,
    categoryRank: r.categoryRank,
    contribution: r.contribution,
    dimensions: r.dimensions,
  };
}

/** Dimensions present in any of the units, in the engine's order, with Chinese labels. */
export function dimensionsUsed(units: readonly Pick<UnitSummary, "dimensions">[]): { key: Dimension; label: string }[] {
  const used = new Set<string>();
  for (const u of units) for (const k of Object.keys(u.dimensions)) used.add(k);
  return DIMENSION_KEYS.filter((k) => used.has(k)).map((k) => ({ key: k, label: DIMENSIONS[k] }));
}

/** Colours by grade position (best first); colour-blind-safe palette, grades also named in text. */
const GRADE_COLOURS = ["#1a7f37", "#0969da", "#9a6700", "#cf222e", "#6e7781", "#8250df"];

export function gradeColour(grade: string, grades: readonly { name: string; min: number }[]): string {
  const order = grades.slice().sort((a, b) => b.min - a.min);
  const i = order.findIndex((g) => g.name === grade);
  return GRADE_COLOURS[i < 0 ? GRADE_COLOURS.length - 1 : Math.min(i, GRADE_COLOURS.length - 1)];
}

/** A score with two decimals, rounded half up as the engine rounds (its figures are already rounded). */
export function fmt(n: number): string {
  return formatScore(n);
}

/**
 * An engine explanation as a person reads it: every number written with more than two decimals
 * (the engine writes an exact sum such as “约64.108974” or “64.125”) rounded half up to two
 * places, marked 约 (“约64.11”). The stored explanation (in the results document) is unchanged.
 */
export function readableExplain(text: string): string {
  return text.replace(/约?(-?\d+\.\d{3,})/g, (_, n: string) => `约${formatScore(n)}`);
}

/** The self score of one leaf the department answered; `na` when it declared the leaf not applicable. */
export interface SelfLeaf {
  score: number;
  na: boolean;
}

/** How a leaf's self score reads: 未自评 when the department gave no answer, never another score. */
export function selfLeafText(self: SelfLeaf | null): string {
  if (!self) return "未自评";
  return self.na ? "不适用" : fmt(self.score);
}

export const KIND_LABELS = { preliminary: "初步结果", final: "定稿结果" } as const;
