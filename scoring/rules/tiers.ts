// {"type":"tiers"}: points of the best tier whose min ≤ value, else 0.
import type { Arith } from "../decimal";
import { numStr } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";
import { sourceNote, type LeafEval, type RuleContext } from "./types";

export function evalTiers<T>(A: Arith<T>, leaf: LeafSpec, input: LeafInput, _ctx: RuleContext): LeafEval<T> {
  const tiers = leaf.rule.type === "tiers" ? leaf.rule.tiers : [];
  const value = input.value ?? 0;
  let best: (typeof tiers)[number] | undefined;
  for (const t of tiers) {
    // Input numbers compare exactly: equal decimals are equal doubles.
    if (t.min <= value && (best === undefined || t.points > best.points)) best = t;
  }
  if (!best) {
    let lowest = Infinity;
    for (const t of tiers) lowest = Math.min(lowest, t.min);
    return {
      na: false,
      score: A.zero,
      text: `数值${numStr(value)}，未达到任何档位（最低档要求不少于${numStr(lowest)}）${sourceNote(input.source)}`,
      divergent: false,
    };
  }
  const label = best.label ? `“${best.label}”档` : `“不少于${numStr(best.min)}”档`;
  return {
    na: false,
    score: A.num(best.points),
    text: `数值${numStr(value)}，达到${label}（${numStr(best.points)}分）${sourceNote(input.source)}`,
    divergent: false,
  };
}
