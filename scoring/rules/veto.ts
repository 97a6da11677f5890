// {"type":"veto"}: a triggered veto leaf vetoes the unit (单项否决).
import type { Arith } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";
import { sourceNote, type LeafEval, type RuleContext } from "./types";

export function evalVeto<T>(A: Arith<T>, _leaf: LeafSpec, input: LeafInput, _ctx: RuleContext): LeafEval<T> {
  if (input.triggered) {
    const reason = input.reason ?? "";
    return {
      na: false,
      score: A.zero,
      text: `触发单项否决：${reason}${sourceNote(input.source)}`,
      divergent: false,
      triggered: true,
      reason,
    };
  }
  return { na: false, score: A.zero, text: "未触发单项否决", divergent: false, triggered: false };
}
