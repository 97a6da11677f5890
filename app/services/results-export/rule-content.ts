import { designatedPhrase, type AssessmentPackage, type UnitResult } from "../../../scoring";
import { categoryRulesSentences } from "../../domain/category-rules";

/**
 * The rule language of zwgk-assessment/2 as the exports state it, read from the package header and
 * the engine's results (never computed again): a unit's penalty part (扣分项, subtracted after its
 * cap), its part vetoes, and each category's own weight, grades, pass mark and bonus gate.
 */

type Header = Pick<AssessmentPackage, "indicatorSets">;

/** “扣分项扣5.00分（扣分项合计9分，超过上限的部分不扣）；总分不足0分，按0分计” — null when nothing was subtracted. */
export function penaltyText(result: UnitResult): string | null {
  if (result.penalty === undefined || result.penalty <= 0) return null;
  return result.explain
    .split("；")
    .filter((c) => c.startsWith("扣分项扣") || c === "总分不足0分，按0分计")
    .join("；");
}

export interface PartVeto {
  leafId: string;
  leafName: string;
  partId: string;
  partName: string;
  /** The veto leaf's explanation (触发单项否决：reason). */
  explain: string;
}

/** The part vetoes (veto leaves with a scope) a unit triggered. */
export function partVetoes(header: Header, result: UnitResult): PartVeto[] {
  const set = header.indicatorSets.find((s) => s.category === result.category);
  if (!set) return [];
  const out: PartVeto[] = [];
  const partName = (id: string) => set.indicators.find((n) => n.id === id)?.name ?? id;
  const walk = (nodes: Header["indicatorSets"][number]["indicators"]) => {
    for (const n of nodes) {
      if (n.children?.length) walk(n.children);
      else if (n.rule?.type === "veto" && n.rule.scope !== undefined) {
        const leaf = result.leaves[n.id];
        if (leaf && leaf.explain.startsWith("触发单项否决")) out.push({ leafId: n.id, leafName: n.name, partId: n.rule.scope, partName: partName(n.rule.scope), explain: leaf.explain });
      }
    }
  };
  walk(set.indicators);
  return out;
}

/** Each category that has its own settings, with them as sentences. */
export function categorySettingLines(header: Header): [string, string][] {
  return header.indicatorSets.flatMap((set) => {
    const partName = (id: string) => set.indicators.find((n) => n.id === id)?.name;
    const lines = categoryRulesSentences(
      { opennessWeightPct: set.opennessWeightPct, grades: set.grades, passMark: set.passMark, bonusGate: set.bonusGate },
      partName,
    );
    return lines.length ? [[set.category, lines.join("；")] as [string, string]] : [];
  });
}

/** Each category's leaves scored from one named source: “1.1 政府网站建设：以县外网办评价为准；…”. */
export function designatedSourceLines(header: Header): [string, string][] {
  return header.indicatorSets.flatMap((set) => {
    const out: string[] = [];
    const walk = (nodes: Header["indicatorSets"][number]["indicators"]) => {
      for (const n of nodes) {
        if (n.children?.length) walk(n.children);
        else if (n.rule?.type === "score" && n.rule.designated !== undefined) out.push(`${n.id} ${n.name}：${designatedPhrase(n.rule.designated, n.rule.designatedKind)}`);
      }
    };
    walk(set.indicators);
    return out.length ? [[set.category, out.join("；")] as [string, string]] : [];
  });
}
