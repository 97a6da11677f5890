import { PACKAGE_FORMAT, PACKAGE_FORMAT_2, type IndicatorNode, type IndicatorSet } from "../../scoring";
import type { CategoryRules } from "../../db/schema/cycles";

/**
 * Which package format a cycle's indicator sets need: `zwgk-assessment/2` as soon as one set uses
 * the rule language of issue 13 (a fault's max or once, discretion, a designated source, a part
 * veto, a penalty part, a category's own settings), else `zwgk-assessment/1` — so a cycle that uses
 * none of them keeps exporting byte-identical `/1` packages.
 */
export function packageFormatFor(sets: readonly Pick<IndicatorSet, "indicators" | "opennessWeightPct" | "grades" | "passMark" | "bonusGate">[]): typeof PACKAGE_FORMAT | typeof PACKAGE_FORMAT_2 {
  const v2 = sets.some(
    (s) => s.opennessWeightPct !== undefined || s.grades !== undefined || s.passMark !== undefined || s.bonusGate !== undefined || s.indicators.some(nodeNeedsV2),
  );
  return v2 ? PACKAGE_FORMAT_2 : PACKAGE_FORMAT;
}

function nodeNeedsV2(n: IndicatorNode): boolean {
  if (n.part === "penalty" || n.cap !== undefined) return true;
  if (n.children) return n.children.some(nodeNeedsV2);
  const r = n.rule;
  if (!r) return false;
  switch (r.type) {
    case "score":
      return r.designated !== undefined || r.discretionMax !== undefined;
    case "deduction":
      return r.discretionMax !== undefined || r.faults.some((f) => f.max !== undefined || f.once !== undefined);
    case "veto":
      return r.scope !== undefined;
    case "checklist":
      return true;
    default:
      return false;
  }
}

/** A category's own settings as indicator-set fields of the package (nothing when it follows the cycle). */
export function categoryRulesFields(rules: CategoryRules | undefined): Pick<IndicatorSet, "opennessWeightPct" | "grades" | "passMark" | "bonusGate"> {
  const out: Pick<IndicatorSet, "opennessWeightPct" | "grades" | "passMark" | "bonusGate"> = {};
  if (!rules) return out;
  if (rules.opennessWeightPct !== undefined) out.opennessWeightPct = rules.opennessWeightPct;
  if (rules.grades) out.grades = rules.grades.map((g) => ({ ...g }));
  if (rules.passMark !== undefined) out.passMark = rules.passMark;
  if (rules.bonusGate) out.bonusGate = { ...rules.bonusGate };
  return out;
}
