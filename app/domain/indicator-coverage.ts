import { DIMENSIONS } from "../../scoring";
import { gapExcused, uncoveredDimensions, type CoverageGap } from "./indicator-policy";
import type { IndicatorSpec } from "./indicator-spec";

/**
 * What the set page, the preview and the workbook's 说明 sheet show about the mandated dimensions
 * a set leaves uncovered: their names, and the office's recorded reason when it covers them all.
 */
export function coverageView(specs: readonly IndicatorSpec[], gap: CoverageGap | null): { missing: string[]; reason: string | null } {
  const missing = uncoveredDimensions(specs);
  return { missing: missing.map((d) => DIMENSIONS[d]), reason: missing.length && gapExcused(missing, gap) ? gap.reason : null };
}

/** “未覆盖“回应关切”维度，原因：…” — the note the preview and the 说明 sheet show; null when all are covered. */
export function coverageSentence(view: { missing: string[]; reason: string | null }): string | null {
  if (view.missing.length === 0) return null;
  const what = `未覆盖${view.missing.map((d) => `“${d}”`).join("、")}维度`;
  return view.reason === null ? `${what}，尚未记录原因（发布前须在指标体系页面记录）。` : `${what}，原因：${view.reason}`;
}
