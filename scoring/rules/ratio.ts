// {"type":"ratio","target":1}: points × min(1, value / target).
import { centsToString, numStr } from "../decimal";
import { cents, cmp, div, HUNDRED, min, mul, num, ONE, smallCode } from "../rational";
import type { Rat } from "../rational";
import { setOut, sourceNote, type RuleModule } from "./types";

interface Compiled {
  points: Rat;
  target: Rat;
  targetStr: string;
}

export const ratioRule: RuleModule<Compiled> = {
  type: "ratio",
  compile(leaf) {
    const target = leaf.rule.type === "ratio" ? leaf.rule.target : 1;
    return { points: num(leaf.points), target: num(target), targetStr: numStr(target) };
  },
  evaluate(c, input, _ctx, out) {
    let value: Rat;
    let shown: string;
    if (input.numerator !== undefined && input.denominator !== undefined) {
      value = div(num(input.numerator), num(input.denominator));
      shown = `${numStr(input.numerator)}/${numStr(input.denominator)}`;
    } else {
      value = num(input.value ?? 0);
      shown = numStr(input.value ?? 0);
    }
    const achieved = min(ONE, div(value, c.target));
    const reached = cmp(achieved, ONE) >= 0;
    const pct = centsToString(cents(mul(achieved, HUNDRED))).replace(/\.?0+$/, "");
    setOut(out, mul(c.points, achieved));
    return `实际值${shown}，目标值${c.targetStr}，${reached ? "已达标" : `完成${pct}%`}${sourceNote(input.source)}`;
  },
  key(_c, input) {
    if (input.source !== undefined) return -1;
    if (input.numerator !== undefined && input.denominator !== undefined) {
      const n = smallCode(input.numerator);
      if (n < 0) return -1;
      const d = smallCode(input.denominator);
      if (d < 0) return -1;
      // [2^24, 2^24 + 2^46)
      return 2 ** 24 + n * 2 ** 23 + d;
    }
    // [0, 2^23)
    return smallCode(input.value ?? 0);
  },
};
