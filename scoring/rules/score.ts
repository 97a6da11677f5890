// {"type":"score"}: one score per evaluator, reconciled by mean or median.
import type { Arith } from "../decimal";
import { numStr } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";
import { sourceNote, type LeafEval, type RuleContext } from "./types";

export function evalScore<T>(A: Arith<T>, leaf: LeafSpec, input: LeafInput, ctx: RuleContext): LeafEval<T> {
  const entries = input.scores ?? [];
  const n = entries.length;
  const vals: number[] = new Array(n);
  const parts: string[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const e = entries[j];
    if (typeof e === "number") {
      vals[j] = e;
      parts[j] = `评估${j + 1} ${numStr(e)}分`;
    } else {
      vals[j] = e.value;
      parts[j] = `${e.by ? e.by : `评估${j + 1}`} ${numStr(e.value)}分${sourceNote(e.source)}`;
    }
  }
  if (n === 1) {
    return { na: false, score: A.num(vals[0]), text: `评分：${parts[0]}`, divergent: false };
  }
  const method = leaf.rule.type === "score" && leaf.rule.reconcile ? leaf.rule.reconcile : ctx.reconcile;
  let score: T;
  let lo = vals[0];
  let hi = vals[0];
  for (const v of vals) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (method === "median") {
    const sorted = vals.slice().sort((a, b) => a - b);
    const mid = n >> 1;
    score =
      n % 2 === 1
        ? A.num(sorted[mid])
        : A.div(A.add(A.num(sorted[mid - 1]), A.num(sorted[mid])), A.frac(2, 1));
  } else {
    let sum = A.zero;
    for (const v of vals) sum = A.add(sum, A.num(v));
    score = A.div(sum, A.frac(n, 1));
  }
  let text = `评分：${parts.join("、")}，取${method === "median" ? "中位数" : "平均值"}`;
  const spread = A.sub(A.num(hi), A.num(lo));
  const allowed = A.mul(A.num(ctx.divergence), A.num(leaf.points));
  const divergent = A.cmp(spread, allowed) > 0;
  if (divergent) {
    text += `（最高分与最低分相差${A.str(spread)}分，超过允许差异${A.str(allowed)}分，需复核）`;
  }
  return { na: false, score, text, divergent };
}
