// {"type":"deduction"}: points − Σ deductions, never below 0 (扣完为止). A fault may have its own
// cap (`max`, over all its entries on the leaf: “最多扣2分”) or apply once (`once`: “未编制目录的扣1分”);
// ad-hoc deductions (points + reason) count against no fault's cap. On a penalty leaf (扣分项) the
// deductions are what the unit loses outside the points, with no floor.
import { numStr } from "../decimal";
import { add, cmp, min, mul, num, sign, str, sub, ZERO, type Rat } from "../rational";
import { setOut, sourceNote, type RuleModule } from "./types";

interface CompiledFault {
  /** Position among the rule's faults (for outcome keys and the per-fault sums). */
  idx: number;
  label: string;
  points: Rat;
  max: Rat | null;
  once: boolean;
  /** The note when the cap or `once` changes the amount. */
  capNote: string;
}

interface Compiled {
  points: Rat;
  penalty: boolean;
  faults: Map<string, CompiledFault>;
  byIdx: CompiledFault[];
  limited: boolean;
  /** 酌情扣分: “酌情扣分合计…” is shown when set. */
  discretionMax: string | null;
}

export const deductionRule: RuleModule<Compiled> = {
  type: "deduction",
  compile(leaf) {
    const faults = new Map<string, CompiledFault>();
    if (leaf.rule.type === "deduction") {
      for (const f of leaf.rule.faults) {
        const once = f.once === true;
        faults.set(f.code, {
          idx: faults.size,
          label: f.label,
          points: num(f.points),
          max: f.max === undefined ? null : num(f.max),
          once,
          capNote: once ? `“${f.label}”为一次性扣分项，只扣${numStr(f.points)}分` : `“${f.label}”最多扣${f.max === undefined ? "" : numStr(f.max)}分`,
        });
      }
    }
    const byIdx = [...faults.values()];
    const dmax = leaf.rule.type === "deduction" ? leaf.rule.discretionMax : undefined;
    return {
      points: num(leaf.points),
      penalty: leaf.part === "penalty",
      faults,
      byIdx,
      limited: byIdx.some((f) => f.once || f.max !== null),
      discretionMax: dmax === undefined ? null : numStr(dmax),
    };
  },
  evaluate(c, input, _ctx, out) {
    let text = "";
    let items = 0;
    let total = ZERO;
    let adHoc = ZERO;
    // Per fault (when some fault is capped or once): the sum of its entries.
    const sums: Array<Rat | undefined> | null = c.limited ? new Array(c.byIdx.length) : null;
    for (const d of input.deductions ?? []) {
      let item: string;
      if (d.fault !== undefined) {
        const fault = c.faults.get(d.fault);
        if (fault === undefined) throw new Error(`fault ${d.fault} is not defined by its rule (package not validated?)`);
        const count = d.count ?? 1;
        if (count === 0) continue;
        const amount = mul(num(count), fault.points);
        if (sums !== null) sums[fault.idx] = add(sums[fault.idx] ?? ZERO, amount);
        else total = add(total, amount);
        item = `${fault.label}×${numStr(count)}，扣${str(amount)}分${sourceNote(d.source)}`;
      } else if (d.points !== undefined) {
        total = add(total, num(d.points));
        adHoc = add(adHoc, num(d.points));
        item = `${d.reason ?? "其他扣分"}，扣${numStr(d.points)}分${sourceNote(d.source)}`;
      } else continue;
      text = items === 0 ? item : `${text}；${item}`;
      items++;
    }
    let noted = false;
    if (c.discretionMax !== null && sign(adHoc) > 0) {
      text += `；酌情扣分合计${str(adHoc)}分（最多${c.discretionMax}分）`;
      noted = true;
    }
    if (sums !== null) {
      for (const f of c.byIdx) {
        const sum = sums[f.idx];
        if (sum === undefined) continue;
        const taken = f.once ? f.points : f.max !== null ? min(sum, f.max) : sum;
        if (cmp(taken, sum) !== 0) {
          text += `；${f.capNote}`;
          noted = true;
        }
        total = add(total, taken);
      }
    }
    if (items === 0) {
      setOut(out, c.penalty ? ZERO : c.points);
      return "无扣分";
    }
    if (items > 1 || noted) text += `；合计扣${str(total)}分`;
    if (c.penalty) {
      setOut(out, ZERO);
      out.deducted = total;
      return text;
    }
    const over = cmp(total, c.points);
    if (over > 0) text += "（扣完为止）";
    setOut(out, over >= 0 ? ZERO : sub(c.points, total));
    out.deducted = over >= 0 ? c.points : total;
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
