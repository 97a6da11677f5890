import { DIMENSIONS, validateIndicatorTree, type Dimension, type ValidationError } from "../../scoring";
import { leavesOf, toPackageNodes, type IndicatorSpec } from "./indicator-spec";
import { EVIDENCE_KINDS, evidenceKindLabel } from "../utils/evidence-kinds";
import type { CoverageGap } from "../../db/schema/cycles";

export type { CoverageGap };

/** The four dimensions every indicator system must cover (国办发〔2016〕80号 etc.). */
export const MANDATED_DIMENSIONS: readonly Dimension[] = ["disclosure", "interpretation", "response", "media"];

/** Three levels at most: 一级/二级/三级指标. */
export const MAX_DEPTH = 3;

export interface PolicyReport {
  errors: ValidationError[];
  warnings: ValidationError[];
}

export interface PolicyOptions {
  scale?: number;
  /** Prefixed to every message, e.g. "“街道办事处”指标体系". */
  label?: string;
  /** The office's recorded reason for leaving mandated dimensions uncovered (null: none recorded). */
  coverageGap?: CoverageGap | null;
  /**
   * Importing a workbook: an uncovered dimension is only a warning there (the set is imported as a
   * draft; publishing still needs the recorded reason).
   */
  importing?: boolean;
}

/** The mandated dimensions that no scored base leaf covers, in mandated order. */
export function uncoveredDimensions(specs: readonly IndicatorSpec[]): Dimension[] {
  const covered = new Set<Dimension>();
  for (const leaf of leavesOf(specs)) {
    if (leaf.effectivePart === "base" && leaf.effectiveDimension && leaf.points > 0) covered.add(leaf.effectiveDimension);
  }
  return MANDATED_DIMENSIONS.filter((d) => !covered.has(d));
}

/** Whether a recorded reason covers every one of these uncovered dimensions. */
export function gapExcused(missing: readonly Dimension[], gap: CoverageGap | null | undefined): gap is CoverageGap {
  return !!gap && missing.every((d) => gap.dimensions.includes(d));
}

/** “回应关切”、“媒体参与” */
export function dimensionList(dims: readonly string[]): string {
  return dims.map((d) => `“${d in DIMENSIONS ? DIMENSIONS[d as Dimension] : d}”`).join("、");
}

const MANDATE = "信息公开、政策解读、回应关切、媒体参与四项均须设置指标";

/** The coverage check: an error, a warning or nothing (see PolicyOptions). */
function coverageProblem(specs: readonly IndicatorSpec[], opts: PolicyOptions): { severity: "error" | "warning"; message: string } | null {
  const missing = uncoveredDimensions(specs);
  if (missing.length === 0) return null;
  const what = `指标体系未覆盖${dimensionList(missing)}维度`;
  if (gapExcused(missing, opts.coverageGap)) return { severity: "warning", message: `${what}，已记录原因：${opts.coverageGap.reason}` };
  if (opts.importing) return { severity: "warning", message: `${what}（${MANDATE}），已作为草稿导入；发布前须在指标体系页面记录未覆盖的原因` };
  return { severity: "error", message: `${what}（${MANDATE}）；本地考核细则确未设置的，须在指标体系页面记录原因后方可发布` };
}

/**
 * Check one indicator set the way publishing does: the scoring engine's tree validator (shape,
 * point sums, rule parameters, parts) plus the policy rules — the four mandated dimensions are
 * each covered by at least one scored base leaf unless the office recorded why not, at most three
 * levels, evidence kinds known. Warnings (e.g. base points not summing to the scale, a recorded
 * coverage reason) do not block publishing.
 */
export function checkIndicatorSet(specs: readonly IndicatorSpec[], opts: PolicyOptions = {}): PolicyReport {
  const prefix = opts.label ? `${opts.label}：` : "";
  const errors: ValidationError[] = validateIndicatorTree(toPackageNodes(specs)).map((e) => ({
    path: e.path,
    message: prefix + e.message,
  }));
  const warnings: ValidationError[] = [];

  const depth = (nodes: readonly IndicatorSpec[], level: number, path: string): void =>
    nodes.forEach((n, i) => {
      const p = `${path}[${i}]`;
      if (level > MAX_DEPTH) errors.push({ path: p, message: `${prefix}指标“${n.name}”超过三级，指标体系最多设一级、二级、三级指标` });
      if (n.children) depth(n.children, level + 1, `${p}.children`);
      const seen = new Set<string>();
      for (const k of n.evidenceKinds ?? []) {
        if (!(EVIDENCE_KINDS as readonly string[]).includes(k)) {
          errors.push({ path: `${p}.evidenceKinds`, message: `${prefix}指标“${n.name}”的佐证材料类型“${k}”不在允许范围内` });
        } else if (seen.has(k)) {
          errors.push({ path: `${p}.evidenceKinds`, message: `${prefix}指标“${n.name}”的佐证材料类型“${evidenceKindLabel(k)}”重复` });
        }
        seen.add(k);
      }
    });
  depth(specs, 1, "indicators");

  const coverage = coverageProblem(specs, opts);
  if (coverage) (coverage.severity === "error" ? errors : warnings).push({ path: "indicators", message: prefix + coverage.message });

  const scale = opts.scale ?? 100;
  const basePoints = specs.filter((s) => (s.part ?? "base") === "base").reduce((sum, s) => sum + s.points, 0);
  if (Math.abs(basePoints - scale) > 1e-9) {
    warnings.push({
      path: "indicators",
      message: `${prefix}基础指标分值合计为${Number(basePoints.toFixed(4))}分，不等于满分${scale}分，得分将按比例折算`,
    });
  }
  return { errors, warnings };
}
