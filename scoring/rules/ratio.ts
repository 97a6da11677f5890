// {"type":"ratio","target":1}: points × min(1, value / target).
import type { Arith } from "../decimal";
import { centsToString, numStr } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";
import { sourceNote, type LeafEval, type RuleContext } from "./types";

export function evalRatio<T>(A: Arith<T>, leaf: LeafSpec, input: LeafInput, _ctx: RuleContext): LeafEval<T> {
  const targetNum = leaf.rule.type === "ratio" ? leaf.rule.target : 1;
  const target = A.num(targetNum);
  let value: T;
  let shown: string;
  if (input.numerator !== undefined && input.denominator !== undefined) {
    value = A.div(A.num(input.numerator), A.num(input.denominator));
    shown = `${numStr(input.numerator)}/${numStr(input.denominator)}`;
  } else {
    value = A.num(input.value ?? 0);
    shown = numStr(input.value ?? 0);
  }
  const achieved = A.min(A.frac(1, 1), A.div(value, target));
  const score = A.mul(A.num(leaf.points), achieved);
  const pct = A.cents(A.mul(achieved, A.frac(100, 1)));
  const pctStr = centsToString(pct).replace(/\.?0+$/, "");
  const text =
    `实际值${shown}，目标值${numStr(targetNum)}，` +
    (A.cmp(achieved, A.frac(1, 1)) >= 0 ? "已达标" : `完成${pctStr}%`) +
    sourceNote(input.source);
  return { na: false, score, text, divergent: false };
}
