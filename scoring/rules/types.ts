// The shape every rule module shares: a compile step, run once per leaf of an indicator set
// (constants as exact fractions, texts that depend only on the rule), and an evaluate step, run for
// each unit's input on that leaf, over the one exact arithmetic (rational.ts).
import type { WorkCalendar } from "../calendar";
import { ZERO, type Rat } from "../rational";
import type { Dimension, LeafInput, LeafRule, NodePart, RuleType } from "../schema";

/** What compile() knows about a leaf. */
export interface LeafDef {
  id: string;
  name: string;
  points: number;
  part: NodePart;
  dimension: Dimension | undefined;
  rule: LeafRule;
}

/** Package settings a rule may depend on. */
export interface CompileEnv {
  reconcile: "mean" | "median";
  divergence: number;
}

export interface RuleContext {
  cal: WorkCalendar;
}

/**
 * What one evaluation says about a leaf besides its text. The caller passes one object and reads
 * it back (no allocation per leaf); evaluate sets every field.
 */
export interface LeafOut {
  score: Rat;
  /** deduction rule: what its deductions take after the faults' own caps (a penalty leaf subtracts this). */
  deducted: Rat;
  na: boolean;
  divergent: boolean;
  /** veto rule: the unit is vetoed, for `reason`. */
  triggered: boolean;
  reason: string;
}

export interface RuleModule<C> {
  readonly type: RuleType;
  compile(leaf: LeafDef, env: CompileEnv): C;
  /** Score one input (already validated, not N/A); returns the Chinese text of how the score arose (without “，得x/y分”). */
  evaluate(c: C, input: LeafInput, ctx: RuleContext, out: LeafOut): string;
  /**
   * A number identifying everything the outcome depends on for this input (the leaf being fixed),
   * or -1 when the input is not of a common shape: equal keys give equal outcomes, so the engine
   * evaluates each distinct key once per compute() call.
   */
  key(c: C, input: LeafInput): number;
}

export function sourceNote(source: string | undefined): string {
  return source ? `（来源：${source}）` : "";
}

export function setOut(out: LeafOut, score: Rat, divergent = false): void {
  out.score = score;
  out.deducted = ZERO;
  out.na = false;
  out.divergent = divergent;
  out.triggered = false;
  out.reason = "";
}
