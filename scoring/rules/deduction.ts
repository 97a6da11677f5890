// {"type":"deduction"}: points − Σ deductions, never below 0 (扣完为止).
import { numStr } from "../decimal";
import { add, cmp, mul, num, str, sub, ZERO, type Rat } from "../rational";
import { setOut, sourceNote, type RuleModule } from "./types";

interface CompiledFault {
  /** Position among the rule's faults (for outcome keys). */
  idx: number;
  label: string;
  points: Rat;
}

interface Compiled {
  points: Rat;
  faults: Map<string, CompiledFault>;
}

export const deductionRule: RuleModule<Compiled> = {
  type: "deduction",
  compile(leaf) {
    const faults = new Map<string, CompiledFault>();
    if (leaf.rule.type === "deduction") {
      for (const f of leaf.rule.faults) faults.set(f.code, { idx: faults.size, label: f.label, points: num(f.points) });
    }
    return { points: num(leaf.points), faults };
  },
  evaluate(c, input, _ctx, out) {
    let text = "";
    let items = 0;
    let total = ZERO;
    for (const d of input.deductions ?? []) {
      let item: string;
      if (d.fault !== undefined) {
        const fault = c.faults.get(d.fault);
        if (fault === undefined) throw new Error(`fault ${d.fault} is not defined by its rule (package not validated?)`);
        const count = d.count ?? 1;
        if (count === 0) continue;
        const amount = mul(num(count), fault.points);
        total = add(total, amount);
        item = `${fault.label}×${numStr(count)}，扣${str(amount)}分${sourceNote(d.source)}`;
      } else if (d.points !== undefined) {
        total = add(total, num(d.points));
        item = `${d.reason ?? "其他扣分"}，扣${numStr(d.points)}分${sourceNote(d.source)}`;
      } else continue;
      text = items === 0 ? item : `${text}；${item}`;
      items++;
    }
    if (items === 0) {
      setOut(out, c.points);
      return "无扣分";
    }
    const over = cmp(total, c.points);
    if (items > 1) text += `；合计扣${str(total)}分`;
    if (over > 0) text += "（扣完为止）";
    setOut(out, over >= 0 ? ZERO : sub(c.points, total));
    return text;
  },
  key(c, input) {
    const list = input.deductions;
    if (list === undefined || list.length === 0) return 0;
    if (list.length > 4) return -1;
    let key = list.length;
    for (let i = 0; i < list.length; i++) {
      const d = list[i];
      if (d.fault === undefined || d.source !== undefined) return -1;
      const f = c.faults.get(d.fault);
      const count = d.count ?? 1;
      if (f === undefined || f.idx >= 16 || !Number.isInteger(count) || count < 0 || count > 15) return -1;
      key = key * 256 + f.idx * 16 + count;
    }
    return key;
  },
};
