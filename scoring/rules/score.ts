// {"type":"score"}: one score per evaluator, reconciled by mean or median.
import { numStr } from "../decimal";
import { add, cmp, div, frac, mul, num, smallCode, str, sub, ZERO, type Rat } from "../rational";
import { designatedPhrase, fromDesignated, type DesignatedKind } from "../designated";
import { setOut, sourceNote, type RuleModule } from "./types";

interface Compiled {
  median: boolean;
  /** The source whose score the leaf takes alone, or undefined. */
  designated: string | undefined;
  /** Its kind (undefined: an evaluator). */
  designatedKind: DesignatedKind | undefined;
  /** Before the scores: “以县外网办评价为准：” (an outside office or a spot check), or "". */
  designatedLead: string;
  /** After the scores: “，以“李强”评分为准” (an evaluator), or "". */
  designatedTail: string;
  /** The text's start without discretion: designatedLead + “评分：”. */
  head: string;
  /** 酌情给分: “酌情给分（最多x分）：”, or "". */
  discretion: string;
  /** Largest spread between evaluators that is not divergent: divergence × points. */
  allowed: Rat;
  allowedStr: string;
}

const TWO = frac(2, 1);

export const scoreRule: RuleModule<Compiled> = {
  type: "score",
  compile(leaf, env) {
    const method = leaf.rule.type === "score" && leaf.rule.reconcile ? leaf.rule.reconcile : env.reconcile;
    const allowed = mul(num(env.divergence), num(leaf.points));
    const designated = leaf.rule.type === "score" ? leaf.rule.designated : undefined;
    const designatedKind = leaf.rule.type === "score" ? leaf.rule.designatedKind : undefined;
    const dmax = leaf.rule.type === "score" ? leaf.rule.discretionMax : undefined;
    const named = designated !== undefined && designatedKind !== undefined;
    return {
      median: method === "median",
      designated,
      designatedKind,
      designatedLead: named ? `${designatedPhrase(designated, designatedKind)}：` : "",
      head: named ? `${designatedPhrase(designated, designatedKind)}：评分：` : "评分：",
      designatedTail: designated !== undefined && !named ? `，以“${designated}”评分为准` : "",
      discretion: dmax === undefined ? "" : `酌情给分（最多${numStr(dmax)}分）：`,
      allowed,
      allowedStr: str(allowed),
    };
  },
  evaluate(c, input, _ctx, out) {
    const entries = input.scores ?? [];
    const n = entries.length;
    let text = c.discretion === "" ? c.head : `${c.designatedLead}${c.discretion}${input.reason ?? ""}；评分：`;
    const vals: number[] = new Array(n);
    let sum = ZERO;
    let designated: Rat | undefined;
    let lo = 0;
    let hi = 0;
    for (let j = 0; j < n; j++) {
      const e = entries[j];
      let v: number;
      let part: string;
      if (typeof e === "number") {
        v = e;
        part = `评估${j + 1} ${numStr(e)}分`;
      } else {
        v = e.value;
        part = `${e.by ? e.by : `评估${j + 1}`} ${numStr(e.value)}分${sourceNote(e.source)}`;
        if (c.designated !== undefined && designated === undefined && fromDesignated(e, c.designated, c.designatedKind)) designated = num(v);
      }
      vals[j] = v;
      sum = add(sum, num(v));
      if (j === 0) {
        lo = v;
        hi = v;
        text += part;
      } else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        text += `、${part}`;
      }
    }
    if (c.designated !== undefined) {
      if (designated === undefined) throw new Error(`no score by the designated source ${c.designated} (package not validated?)`);
      text += c.designatedTail;
      if (n === 1) {
        setOut(out, designated);
        return text;
      }
    } else if (n === 1) {
      setOut(out, sum);
      return text;
    }
    let score: Rat;
    if (designated !== undefined) {
      score = designated;
    } else if (c.median) {
      const sorted = vals.slice().sort((a, b) => a - b);
      const mid = n >> 1;
      score = n % 2 === 1 ? num(sorted[mid]) : div(add(num(sorted[mid - 1]), num(sorted[mid])), TWO);
      text += "，取中位数";
    } else {
      score = div(sum, frac(n, 1));
      text += "，取平均值";
    }
    const spread = sub(num(hi), num(lo));
    const divergent = cmp(spread, c.allowed) > 0;
    if (divergent) text += `（最高分与最低分相差${str(spread)}分，超过允许差异${c.allowedStr}分，需复核）`;
    setOut(out, score, divergent);
    return text;
  },
  key(c, input) {
    const e = input.scores;
    if (e === undefined || c.designated !== undefined || c.discretion !== "") return -1;
    // Key ranges: one score [0, 2^23); two small scores [2^23, 2^23 + 2^28); two other scores [2^30, 2^30 + 2^46).
    if (e.length === 1) return smallCode(e[0]);
    if (e.length === 2) {
      const c1 = smallCode(e[0]);
      if (c1 < 0) return -1;
      const c2 = smallCode(e[1]);
      if (c2 < 0) return -1;
      return c1 < 2 ** 14 && c2 < 2 ** 14 ? 2 ** 23 + c1 * 2 ** 14 + c2 : 2 ** 30 + c1 * 2 ** 23 + c2;
    }
    return -1;
  },
};
