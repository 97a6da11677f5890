// {"type":"deduction"}: points − Σ deductions, never below 0 (扣完为止).
import type { Arith } from "../decimal";
import { numStr } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";
import { sourceNote, type LeafEval, type RuleContext } from "./types";

export function evalDeduction<T>(A: Arith<T>, leaf: LeafSpec, input: LeafInput, _ctx: RuleContext): LeafEval<T> {
  const items: string[] = [];
  let total = A.zero;
  for (const d of input.deductions ?? []) {
    if (d.fault !== undefined) {
      const fault = leaf.faults?.get(d.fault);
      if (!fault) continue; // rejected by validation
      const count = d.count ?? 1;
      if (count === 0) continue;
      const amount = A.mul(A.num(count), A.num(fault.points));
      total = A.add(total, amount);
      items.push(`${fault.label}×${numStr(count)}，扣${A.str(amount)}分${sourceNote(d.source)}`);
    } else if (d.points !== undefined) {
      const amount = A.num(d.points);
      total = A.add(total, amount);
      items.push(`${d.reason ?? "其他扣分"}，扣${numStr(d.points)}分${sourceNote(d.source)}`);
    }
  }
  const points = A.num(leaf.points);
  if (items.length === 0) return { na: false, score: points, text: "无扣分", divergent: false };
  const exhausted = A.cmp(total, points) >= 0;
  let text = items.join("；");
  if (items.length > 1) text += `；合计扣${A.str(total)}分`;
  if (exhausted && A.cmp(total, points) > 0) text += "（扣完为止）";
  return { na: false, score: exhausted ? A.zero : A.sub(points, total), text, divergent: false };
}
