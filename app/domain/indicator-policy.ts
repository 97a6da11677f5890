import { DIMENSIONS, validateIndicatorTree, type Dimension, type ValidationError } from "../../scoring";
import { leavesOf, toPackageNodes, type IndicatorSpec } from "./indicator-spec";
import { EVIDENCE_KINDS, evidenceKindLabel } from "../utils/evidence-kinds";

/** The four dimensions every indicator system must cover (国办发〔2016〕80号 etc.). */
export const MANDATED_DIMENSIONS: readonly Dimension[] = ["disclosure", "interpretation", "response", "media"];

/** Three levels at most: 一级/二级/三级指标. */
export const MAX_DEPTH = 3;

export interface PolicyReport {
  errors: ValidationError[];
  warnings: ValidationError[];
}

/**
 * Check one indicator set the way publishing does: the scoring engine's tree validator (shape,
 * point sums, rule parameters, parts) plus the policy rules — the four mandated dimensions are
 * each covered by at least one scored base leaf, at most three levels, evidence kinds known.
 * Warnings (e.g. base points not summing to the scale) do not block publishing.
 */
export function checkIndicatorSet(specs: readonly IndicatorSpec[], opts: { scale?: number; label?: string } = {}): PolicyReport {
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

  const covered = new Set<Dimension>();
  for (const leaf of leavesOf(specs)) {
    if (leaf.effectivePart === "base" && leaf.effectiveDimension && leaf.points > 0) covered.add(leaf.effectiveDimension);
  }
  for (const d of MANDATED_DIMENSIONS) {
    if (!covered.has(d)) {
      errors.push({ path: "indicators", message: `${prefix}指标体系未覆盖“${DIMENSIONS[d]}”维度（信息公开、政策解读、回应关切、媒体参与四项均须设置指标）` });
    }
  }

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
