// {"type":"tiers"}: points of the best tier whose min ≤ value, else 0.
import { numStr } from "../decimal";
import { num, smallCode, ZERO, type Rat } from "../rational";
import { setOut, sourceNote, type RuleModule } from "./types";

interface CompiledTier {
  min: number;
  points: number;
  score: Rat;
  /** “…”档（x分） */
  text: string;
}

interface Compiled {
  tiers: CompiledTier[];
  /** （最低档要求不少于x） */
  noTierText: string;
}

export const tiersRule: RuleModule<Compiled> = {
  type: "tiers",
  compile(leaf) {
    const tiers = leaf.rule.type === "tiers" ? leaf.rule.tiers : [];
    let lowest = Infinity;
    for (const t of tiers) lowest = Math.min(lowest, t.min);
    return {
      tiers: tiers.map((t) => ({
        min: t.min,
        points: t.points,
        score: num(t.points),
        text: `${t.label ? `“${t.label}”档` : `“不少于${numStr(t.min)}”档`}（${numStr(t.points)}分）`,
      })),
      noTierText: `（最低档要求不少于${numStr(lowest)}）`,
    };
  },
  evaluate(c, input, _ctx, out) {
    const value = input.value ?? 0;
    let best: CompiledTier | undefined;
    for (const t of c.tiers) {
      // Input numbers compare exactly: equal decimals are equal doubles.
      if (t.min <= value && (best === undefined || t.points > best.points)) best = t;
    }
    if (best === undefined) {
      setOut(out, ZERO);
      return `数值${numStr(value)}，未达到任何档位${c.noTierText}${sourceNote(input.source)}`;
    }
    setOut(out, best.score);
    return `数值${numStr(value)}，达到${best.text}${sourceNote(input.source)}`;
  },
  key(_c, input) {
    if (input.source !== undefined) return -1;
    return smallCode(input.value ?? 0);
  },
};
