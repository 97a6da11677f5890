import Decimal from "decimal.js";
import { designatedPhrase, type LeafRule, type NodePart } from "../../scoring";
import { formatLimit, formatNumber, RECONCILE_LABELS } from "./indicator-format";

/**
 * A leaf's scoring rule as the sentence an office would write in its 考核细则 — “逾期未更新每处扣1分；
 * 最多扣4分（扣完为止）” — never the stored form (`late:逾期未更新:1`). The one formatter of a rule
 * for people: the tree editor, its live check, the preview and any other screen. Client-safe.
 * `points` (the leaf's points) completes the sentence with the bound; without it the sentence
 * leaves the bound out. `where` tells the leaf's top-level part (a penalty leaf subtracts outside the
 * points) and names a part veto's target (“2 政策解读”).
 */
export function ruleSentence(
  rule: LeafRule | null | undefined,
  points?: number,
  where: { part?: NodePart; partName?: (code: string) => string | undefined } = {},
): string {
  if (!rule) return "";
  switch (rule.type) {
    case "score": {
      const source = rule.designated ? designatedPhrase(rule.designated, rule.designatedKind) : "";
      if (rule.discretionMax !== undefined) {
        const range = `在${pts(rule.discretionMax)}内酌情给分，须说明理由`;
        return source ? `${range}；${source}` : range;
      }
      if (source && rule.designatedKind !== undefined) {
        return points === undefined ? `${source}；评估员的评分仅供参考` : `${source}，计0至${pts(points)}；评估员的评分仅供参考`;
      }
      const range = points === undefined ? "评估员直接打分" : `评估员在0至${pts(points)}之间打分`;
      if (source) return `${range}，${source}（其他评估员的评分仅供参考）`;
      return rule.reconcile ? `${range}，多名评估员的评分取${RECONCILE_LABELS[rule.reconcile]}` : `${range}，多名评估员的评分按考核年度的设置汇总`;
    }
    case "deduction": {
      const faults = rule.faults.map(faultSentence);
      if (rule.discretionMax !== undefined) faults.push(`在${pts(rule.discretionMax)}内酌情扣分，须说明理由`);
      const items = faults.length ? faults.join("；") : "按发现的问题扣分";
      if (where.part === "penalty") return `${items}；在总分之外倒扣`;
      return points === undefined ? `${items}；扣完为止` : `${items}；最多扣${pts(points)}（扣完为止）`;
    }
    case "ratio": {
      const full = points === undefined ? "得满分" : `得${pts(points)}`;
      return `比率达到${percent(rule.target)}${full}，未达到的按比率折算`;
    }
    case "tiers": {
      const tiers = [...rule.tiers].sort((a, b) => a.min - b.min);
      const steps = tiers.map((t) => `达到${formatNumber(t.min)}${t.label ? `（${t.label}）` : ""}得${pts(t.points)}`);
      return `${steps.join("；")}；取达到的最高档，未达到最低档得0分`;
    }
    case "timeliness": {
      const empty = rule.whenEmpty === "full" ? "得满分" : "本项不适用";
      return `在${formatLimit(rule.limit)}内办结的事项占全部事项的比例计分；本年度没有此类事项时${empty}`;
    }
    case "veto": {
      if (!rule.scope) return "发生即单项否决，整体考核结果按否决处理";
      const name = where.partName?.(rule.scope);
      return `发生即“${name ? `${rule.scope} ${name}` : rule.scope}”部分按0分计，不影响其他部分，也不因此整体否决`;
    }
    case "checklist": {
      const items = rule.tasks.map((t) => `${t.label}${pts(t.points)}`).join("；");
      const bound = points === undefined ? "" : `，最多得${pts(points)}`;
      return `完成以下任务的按项计分：${items}${bound}；已完成但无佐证材料的不得分`;
    }
  }
}

const pts = (n: number) => `${formatNumber(n)}分`;

/** “每处扣0.5分，最多扣2分”, “一次性扣1分”. */
function faultSentence(f: { label: string; points: number; max?: number; once?: boolean }): string {
  if (f.once) return `${f.label}一次性扣${pts(f.points)}`;
  return f.max === undefined ? `${f.label}每处扣${pts(f.points)}` : `${f.label}每处扣${pts(f.points)}，最多扣${pts(f.max)}`;
}

/** A penalty part (扣分项) as a sentence: “在总分之外倒扣，合计最多扣5分（总分不低于0分）”. */
export function penaltyPartSentence(cap: number | undefined): string {
  return `在总分之外倒扣${cap === undefined ? "，不设上限" : `，合计最多扣${pts(cap)}`}（总分不低于0分）`;
}

/** 1 → “100%”, 0.95 → “95%” (exact). */
function percent(ratio: number): string {
  return `${new Decimal(ratio).times(100).toString()}%`;
}
