import type { WorkCalendar } from "../calendar";
import type { Arith } from "../decimal";
import type { LeafSpec } from "../compile";
import type { LeafInput } from "../schema";

/** What a rule says about one leaf for one unit, before N/A and overrides. */
export interface LeafEval<T> {
  na: boolean;
  score: T;
  /** Chinese description of how the score arose (without the final "得x/y分"). */
  text: string;
  divergent: boolean;
  /** veto rule only */
  triggered?: boolean;
  reason?: string;
}

export interface RuleContext {
  cal: WorkCalendar;
  reconcile: "mean" | "median";
  divergence: number;
}

export type RuleFn = <T>(A: Arith<T>, leaf: LeafSpec, input: LeafInput, ctx: RuleContext) => LeafEval<T>;

export function sourceNote(source: string | undefined): string {
  return source ? `（来源：${source}）` : "";
}
