// The fast path of compute(): the same semantics and the same text as the generic
// path (computeUnit in compute.ts with rules/*.ts), specialised for speed.
//
// - Every leaf is prepared once per indicator set (constants already turned into
//   exact fractions, texts that depend only on the rule already built).
// - Arithmetic is on exact fractions of safe integers held in local variables and
//   module-level scratch registers: no object per intermediate value. JSON numbers
//   are read as the decimal they are written as (p / 10^k). Any value that would
//   leave the safe-integer range throws OVERFLOW.
// - Uncommon cases (median, unusual constants) are handed to the generic rule with
//   fastArith; anything unexpected makes the caller recompute the unit with the
//   generic path (computeUnitExact), so results never depend on which path ran.
// - Explanations are interned per compute() call: equal strings are kept once.
//
// Not reentrant (module-level scratch registers); compute() is synchronous.
import { onTime, parseInstant, formatDate, type CompiledLimit } from "./calendar";
import type { CompiledSet, LeafSpec } from "./compile";
import { centsToString, F, fastArith, numStr, OVERFLOW } from "./decimal";
import type { UnitCore } from "./rank";
import { RULES, type RuleContext } from "./rules";
import { sourceNote } from "./rules/types";
import { DIMENSION_KEYS, type AssessmentPackage, type LeafInput, type LeafResult, type UnitInput } from "./schema";
import { adjustLabel, DIM_INDEX, finishUnit } from "./unit";

const MAX = Number.MAX_SAFE_INTEGER;
/** Decimal numerators stay below 2^50 so that p / 10^k identifies the decimal uniquely. */
const DEC_MAX = 2 ** 50;
const MAX_PLACES = 9;
const POW10: number[] = Array.from({ length: 16 }, (_, k) => 10 ** k);
/** Late events listed by name in a timeliness explanation (as rules/timeliness.ts). */
const MAX_LISTED = 20;

const K_SCORE = 0;
const K_DEDUCTION = 1;
const K_RATIO = 2;
const K_TIERS = 3;
const K_TIMELINESS = 4;
const K_VETO = 5;
/** Evaluated by the generic rule (fastArith). */
const K_GENERIC = 6;

const P_BASE = 0;
const P_BONUS = 1;
const P_VETO = 2;

interface FastFault {
  /** Position among the rule's fault codes (for outcome keys). */
  idx: number;
  label: string;
  /** points = p / 10^k */
  p: number;
  k: number;
}

interface FastTier {
  min: number;
  points: number;
  label: string | undefined;
  p: number;
  q: number;
  /** “…”档（x分） */
  text: string;
}

interface FastLeaf {
  spec: LeafSpec;
  id: string;
  kind: number;
  part: number;
  /** Index into DIMENSION_KEYS, or -1. */
  dim: number;
  /** points = ptsP / ptsQ (reduced) */
  ptsP: number;
  ptsQ: number;
  pointsStr: string;
  /** `max` in the leaf result. */
  max: number;
  // score: allowed spread = divergence × points
  alP: number;
  alQ: number;
  allowedStr: string;
  // deduction
  faults: Map<string, FastFault> | undefined;
  // ratio: target = tP / tQ
  tP: number;
  tQ: number;
  targetStr: string;
  // tiers
  tiers: FastTier[];
  noTierText: string;
  // timeliness
  limit: CompiledLimit | undefined;
  limitText: string;
  emptyNa: boolean;
  emptyText: string;
  /** Outcomes by input key (see outcomeKey), for this compute() call only. */
  outcomes: Map<number, Outcome> | null;
}

/** A leaf's result for one input, reused for equal inputs within one compute() call. */
interface Outcome {
  explain: string;
  /** score = p / q (reduced), c = rounded cents */
  p: number;
  q: number;
  c: number;
  na: boolean;
  divergent: boolean;
}

/** Distinct outcomes kept per leaf; beyond that, explanations are built every time. */
const OUTCOMES_PER_LEAF = 4096;

export interface FastPlan {
  set: CompiledSet;
  leaves: FastLeaf[];
  /** Leaf ids in tree order with null values, in fast-properties mode; cloned per unit. */
  template: Record<string, LeafResult | null> | null;
}

/** Thrown when the fast path leaves a unit to the generic path. */
export const FALLBACK = new Error("scoring fast path: use the generic path");

// ------------------------------------------------------------ exact fractions

function chk(x: number): number {
  if (x > MAX || x < -MAX) throw OVERFLOW;
  return x;
}

function gcd(a: number, b: number): number {
  a = a < 0 ? -a : a;
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Scratch registers: DP = numerator of the last decK(); RP / RQ = result of the last fraction op. */
let DP = 0;
let RP = 0;
let RQ = 1;

/**
 * The decimal x is written as: x = DP / 10^k, returning k; -1 when it has more than
 * MAX_PLACES places or too many digits (the generic path then handles it).
 */
function decK(x: number): number {
  if (typeof x !== "number") return -1;
  if (Number.isInteger(x)) {
    if (x > DEC_MAX || x < -DEC_MAX) return -1;
    DP = x;
    return 0;
  }
  for (let k = 1; k <= MAX_PLACES; k++) {
    const pow = POW10[k];
    const p = Math.round(x * pow);
    if (p / pow === x) {
      if (p > DEC_MAX || p < -DEC_MAX) return -1;
      DP = p;
      return k;
    }
  }
  return -1;
}

/** Reduce p / q (q > 0) into RP / RQ. */
function reduce(p: number, q: number): void {
  if (q !== 1) {
    const g = gcd(p, q);
    if (g > 1) {
      p /= g;
      q /= g;
    }
  }
  RP = p;
  RQ = q;
}

/** ap/aq + bp/bq (q > 0) into RP / RQ (denominator: the lcm). */
function add(ap: number, aq: number, bp: number, bq: number): void {
  if (aq === bq) {
    RP = chk(ap + bp);
    RQ = aq;
  } else if (bq % aq === 0) {
    RP = chk(chk(ap * (bq / aq)) + bp);
    RQ = bq;
  } else if (aq % bq === 0) {
    RP = chk(ap + chk(bp * (aq / bq)));
    RQ = aq;
  } else {
    const g = gcd(aq, bq);
    const m = bq / g;
    RP = chk(chk(ap * m) + chk(bp * (aq / g)));
    RQ = chk(aq * m);
  }
}

/** Floor division of non-negative integers held in doubles, corrected for float rounding. */
function idiv(a: number, b: number): number {
  let d = Math.floor(a / b);
  let r = a - d * b;
  while (r < 0) {
    d -= 1;
    r += b;
  }
  while (r >= b) {
    d += 1;
    r -= b;
  }
  return d;
}

/** p / q rounded half up (away from zero) to integer cents (as fastArith.cents). */
function cents(p: number, q: number): number {
  const n = p < 0 ? -p : p;
  const c = idiv(chk(chk(n * 200) + q), chk(2 * q));
  return p < 0 ? -c : c;
}

/** Exact decimal string of s / 10^k with trailing zeros removed (as fastArith.str for such a value). */
function decStr(s: number, k: number): string {
  if (k === 0) return String(s);
  const neg = s < 0;
  const a = neg ? -s : s;
  if (a > DEC_MAX || k > MAX_PLACES) return fastArith.str(fastArith.frac(s, POW10[k]));
  const pow = POW10[k];
  const whole = Math.floor(a / pow);
  let frac = a - whole * pow;
  if (frac === 0) return neg && whole !== 0 ? `-${whole}` : String(whole);
  while (frac % 10 === 0) {
    frac /= 10;
    k--;
  }
  const f = String(frac);
  return `${neg ? "-" : ""}${whole}.${f.length < k ? "0".repeat(k - f.length) + f : f}`;
}

/** A percentage in cents as rules/ratio.ts shows it: centsToString(c) without trailing zeros. */
export function pctText(c: number): string {
  return centsToString(c).replace(/\.?0+$/, "");
}

// ------------------------------------------------------------ plan

function fractionOf(x: number): [number, number] | null {
  const k = decK(x);
  if (k < 0) return null;
  reduce(DP, POW10[k]);
  return [RP, RQ];
}

function tryStr(f: () => string): string | null {
  try {
    return f();
  } catch (e) {
    if (e === OVERFLOW) return null;
    throw e;
  }
}

function planLeaf(spec: LeafSpec, pkg: AssessmentPackage): FastLeaf {
  const rule = spec.rule;
  const pts = fractionOf(spec.points);
  const leaf: FastLeaf = {
    spec,
    id: spec.id,
    kind: K_GENERIC,
    part: spec.part === "bonus" ? P_BONUS : spec.part === "veto" ? P_VETO : P_BASE,
    dim: spec.dimension === undefined ? -1 : (DIM_INDEX.get(spec.dimension) ?? -1),
    ptsP: pts ? pts[0] : 0,
    ptsQ: pts ? pts[1] : 1,
    pointsStr: spec.pointsStr,
    max: spec.part === "veto" ? 0 : spec.points,
    alP: 0,
    alQ: 1,
    allowedStr: "",
    faults: undefined,
    tP: 1,
    tQ: 1,
    targetStr: "",
    tiers: [],
    noTierText: "",
    limit: undefined,
    limitText: "",
    emptyNa: false,
    emptyText: "",
    outcomes: null,
  };
  if (spec.dimension !== undefined && leaf.dim < 0) return leaf; // unknown dimension: generic path throws or copes
  if (!pts) return leaf;
  switch (rule.type) {
    case "score": {
      const method = rule.reconcile ? rule.reconcile : pkg.reconcile;
      if (method !== "mean") return leaf;
      const allowed = tryStr(() => {
        const a = fastArith.mul(fastArith.num(pkg.divergence), fastArith.num(spec.points));
        leaf.alP = a.p;
        leaf.alQ = a.q;
        return fastArith.str(a);
      });
      if (allowed === null) return leaf;
      leaf.allowedStr = allowed;
      leaf.kind = K_SCORE;
      leaf.outcomes = new Map();
      return leaf;
    }
    case "deduction": {
      if (!spec.faults) return leaf;
      const faults = new Map<string, FastFault>();
      for (const [code, f] of spec.faults) {
        const k = decK(f.points);
        if (k < 0) return leaf;
        faults.set(code, { idx: faults.size, label: f.label, p: DP, k });
      }
      leaf.faults = faults;
      leaf.kind = K_DEDUCTION;
      leaf.outcomes = new Map();
      return leaf;
    }
    case "ratio": {
      const t = fractionOf(rule.target);
      if (!t || t[0] <= 0) return leaf;
      leaf.tP = t[0];
      leaf.tQ = t[1];
      leaf.targetStr = numStr(rule.target);
      leaf.kind = K_RATIO;
      leaf.outcomes = new Map();
      return leaf;
    }
    case "tiers": {
      if (!Array.isArray(rule.tiers) || rule.tiers.length === 0) return leaf;
      let lowest = Infinity;
      for (const t of rule.tiers) {
        const f = fractionOf(t.points);
        if (!f || typeof t.min !== "number") return leaf;
        const label = t.label ? `“${t.label}”档` : `“不少于${numStr(t.min)}”档`;
        leaf.tiers.push({ min: t.min, points: t.points, label: t.label, p: f[0], q: f[1], text: `${label}（${numStr(t.points)}分）` });
        lowest = Math.min(lowest, t.min);
      }
      leaf.noTierText = `（最低档要求不少于${numStr(lowest)}）`;
      leaf.kind = K_TIERS;
      leaf.outcomes = new Map();
      return leaf;
    }
    case "timeliness": {
      const limit = spec.limit;
      if (!limit) return leaf;
      leaf.limit = limit;
      leaf.limitText = limit.kind === "hours" ? `时限${numStr(limit.hours)}小时` : `时限${limit.n}个工作日`;
      leaf.emptyNa = rule.whenEmpty === "na";
      leaf.emptyText = leaf.emptyNa ? `${leaf.limitText}：本期无应办事项，不适用` : `${leaf.limitText}：本期无应办事项，按满分计`;
      leaf.kind = K_TIMELINESS;
      leaf.outcomes = new Map();
      return leaf;
    }
    case "veto":
      leaf.kind = K_VETO;
      leaf.outcomes = new Map();
      return leaf;
    default:
      return leaf;
  }
}

/** An object with the given keys in fast-properties mode (JSON.parse builds those), or null. */
function leafTemplate(ids: string[]): Record<string, LeafResult | null> | null {
  // Assigning "__proto__" sets the prototype rather than a property: keep the generic behaviour.
  if (ids.includes("__proto__")) return null;
  const o: Record<string, null> = {};
  for (const id of ids) o[id] = null;
  const t = JSON.parse(JSON.stringify(o)) as Record<string, LeafResult | null>;
  // Let every field hold any object up front, so that filling a clone never changes its layout.
  const a = { score: 0, max: 0, na: false, divergent: false, explain: "" };
  for (const id of ids) {
    t[id] = a;
    t[id] = null;
  }
  return t;
}

export function planSet(set: CompiledSet, pkg: AssessmentPackage): FastPlan {
  return {
    set,
    leaves: set.leaves.map((l) => planLeaf(l, pkg)),
    template: leafTemplate(set.leaves.map((l) => l.id)),
  };
}

// ------------------------------------------------------------ strings

/** Keeps one copy of each distinct explanation within one compute() call. */
export class Interner {
  private readonly map = new Map<string, string>();
  private readonly naTexts = new Map<string, string>();
  constructor(private readonly cap = 1 << 18) {}

  /** The explanation of a not-applicable input. */
  na(reason: string | undefined): string {
    const r = reason ?? "";
    let t = this.naTexts.get(r);
    if (t === undefined) {
      t = this.get(`不适用：${r}`);
      if (this.naTexts.size < this.cap) this.naTexts.set(r, t);
    }
    return t;
  }

  get(s: string): string {
    s.charCodeAt(0); // flatten a rope first: hashing and keeping a flat string is cheaper
    const hit = this.map.get(s);
    if (hit !== undefined) return hit;
    if (this.map.size < this.cap) this.map.set(s, s);
    return s;
  }
}

// ------------------------------------------------------------ rules

/** What the last rule evaluation produced besides its text: score = SP / SQ (reduced). */
let SP = 0;
let SQ = 1;
let S_NA = false;
let S_DIV = false;
let S_TRIG = false;
let S_REASON: string | undefined;

function setScore(p: number, q: number): void {
  reduce(p, q);
  SP = RP;
  SQ = RQ;
}

function viaGeneric(leaf: FastLeaf, input: LeafInput, ctx: RuleContext): string {
  const ev = RULES[leaf.spec.rule.type](fastArith, leaf.spec, input, ctx);
  const s = ev.score as F;
  SP = s.p;
  SQ = s.q;
  S_NA = ev.na;
  S_DIV = ev.divergent;
  S_TRIG = ev.triggered === true;
  S_REASON = ev.reason;
  return ev.text;
}

function evalScore(leaf: FastLeaf, input: LeafInput, ctx: RuleContext): string {
  const entries = input.scores;
  if (entries === undefined || entries.length === 0) return viaGeneric(leaf, input, ctx);
  const n = entries.length;
  let text = "评分：";
  // Sum, lowest and highest as decimals: value = p / 10^k.
  let sumP = 0;
  let sumK = 0;
  let lo = 0;
  let hi = 0;
  for (let j = 0; j < n; j++) {
    const e = entries[j];
    let v: number;
    let part: string;
    if (typeof e === "number") {
      v = e;
      part = `评估${j + 1} ${numStr(e)}分`;
    } else if (typeof e === "object" && e !== null) {
      v = e.value;
      part = `${e.by ? e.by : `评估${j + 1}`} ${numStr(e.value)}分${sourceNote(e.source)}`;
    } else {
      return viaGeneric(leaf, input, ctx);
    }
    const k = decK(v);
    if (k < 0) throw FALLBACK;
    if (k === sumK) sumP = chk(sumP + DP);
    else if (k > sumK) {
      sumP = chk(chk(sumP * POW10[k - sumK]) + DP);
      sumK = k;
    } else sumP = chk(sumP + chk(DP * POW10[sumK - k]));
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
  S_DIV = false;
  if (n === 1) {
    setScore(sumP, POW10[sumK]);
    return text;
  }
  setScore(sumP, chk(n * POW10[sumK]));
  text += "，取平均值";
  // spread = hi − lo, compared exactly with the allowed spread.
  const kh = decK(hi);
  const hp = DP;
  const kl = decK(lo);
  const lp = DP;
  const ks = kh > kl ? kh : kl;
  const sp = chk(chk(hp * POW10[ks - kh]) - chk(lp * POW10[ks - kl]));
  if (chk(sp * leaf.alQ) > chk(leaf.alP * POW10[ks])) {
    S_DIV = true;
    text += `（最高分与最低分相差${decStr(sp, ks)}分，超过允许差异${leaf.allowedStr}分，需复核）`;
  }
  return text;
}

function evalDeduction(leaf: FastLeaf, input: LeafInput): string {
  const list = input.deductions;
  const faults = leaf.faults as Map<string, FastFault>;
  let text = "";
  let items = 0;
  // Total as a decimal: totP / 10^totK.
  let totP = 0;
  let totK = 0;
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const d = list[i];
      let ap: number;
      let ak: number;
      let item: string;
      if (d.fault !== undefined) {
        const fault = faults.get(d.fault);
        if (!fault) continue; // rejected by validation
        const count = d.count ?? 1;
        if (count === 0) continue;
        const ck = decK(count);
        if (ck < 0) throw FALLBACK;
        ap = chk(DP * fault.p);
        ak = ck + fault.k;
        item = `${fault.label}×${numStr(count)}，扣${decStr(ap, ak)}分${sourceNote(d.source)}`;
      } else if (d.points !== undefined) {
        ak = decK(d.points);
        if (ak < 0) throw FALLBACK;
        ap = DP;
        item = `${d.reason ?? "其他扣分"}，扣${numStr(d.points)}分${sourceNote(d.source)}`;
      } else continue;
      if (ak > 15) throw FALLBACK;
      if (ak === totK) totP = chk(totP + ap);
      else if (ak > totK) {
        totP = chk(chk(totP * POW10[ak - totK]) + ap);
        totK = ak;
      } else totP = chk(totP + chk(ap * POW10[totK - ak]));
      text = items === 0 ? item : `${text}；${item}`;
      items++;
    }
  }
  S_DIV = false;
  if (items === 0) {
    SP = leaf.ptsP;
    SQ = leaf.ptsQ;
    return "无扣分";
  }
  // Compare the total with the points: totP / 10^totK vs ptsP / ptsQ.
  const l = chk(totP * leaf.ptsQ);
  const r = chk(leaf.ptsP * POW10[totK]);
  if (items > 1) text += `；合计扣${decStr(totP, totK)}分`;
  if (l > r) text += "（扣完为止）";
  if (l >= r) {
    SP = 0;
    SQ = 1;
  } else {
    // points − total
    add(leaf.ptsP, leaf.ptsQ, -totP, POW10[totK]);
    setScore(RP, RQ);
  }
  return text;
}

function evalRatio(leaf: FastLeaf, input: LeafInput, ctx: RuleContext): string {
  let vp: number;
  let vq: number;
  let shown: string;
  if (input.numerator !== undefined && input.denominator !== undefined) {
    const nk = decK(input.numerator);
    const np = DP;
    const dk = decK(input.denominator);
    const dp = DP;
    if (nk < 0 || dk < 0) throw FALLBACK;
    if (dp === 0) return viaGeneric(leaf, input, ctx);
    // (np / 10^nk) / (dp / 10^dk)
    vp = chk(np * POW10[dk]);
    vq = chk(dp * POW10[nk]);
    if (vq < 0) {
      vp = -vp;
      vq = -vq;
    }
    shown = `${numStr(input.numerator)}/${numStr(input.denominator)}`;
  } else {
    const x = input.value ?? 0;
    const k = decK(x);
    if (k < 0) throw FALLBACK;
    vp = DP;
    vq = POW10[k];
    shown = numStr(x);
  }
  // achieved = min(1, value / target)
  reduce(chk(vp * leaf.tQ), chk(vq * leaf.tP));
  let ap = RP;
  let aq = RQ;
  const reached = ap >= aq;
  if (reached) {
    ap = 1;
    aq = 1;
  }
  // score = points × achieved (cross-reduced first)
  const g1 = gcd(leaf.ptsP, aq);
  const g2 = gcd(ap, leaf.ptsQ);
  if (ap === 0 || leaf.ptsP === 0) {
    SP = 0;
    SQ = 1;
  } else setScore(chk((leaf.ptsP / g1) * (ap / g2)), chk((leaf.ptsQ / g2) * (aq / g1)));
  S_DIV = false;
  const tail = reached ? "已达标" : `完成${pctText(cents(chk(ap * 100), aq))}%`;
  return `实际值${shown}，目标值${leaf.targetStr}，${tail}${sourceNote(input.source)}`;
}

function evalTiers(leaf: FastLeaf, input: LeafInput): string {
  const tiers = leaf.tiers;
  const value = input.value ?? 0;
  let best: FastTier | undefined;
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i];
    if (t.min <= value && (best === undefined || t.points > best.points)) best = t;
  }
  S_DIV = false;
  if (best === undefined) {
    SP = 0;
    SQ = 1;
    return `数值${numStr(value)}，未达到任何档位${leaf.noTierText}${sourceNote(input.source)}`;
  }
  SP = best.p;
  SQ = best.q;
  return `数值${numStr(value)}，达到${best.text}${sourceNote(input.source)}`;
}

function evalTimeliness(leaf: FastLeaf, input: LeafInput, ctx: RuleContext): string {
  const limit = leaf.limit as CompiledLimit;
  const events = input.events ?? [];
  const n = events.length;
  S_DIV = false;
  if (n === 0) {
    if (leaf.emptyNa) {
      S_NA = true;
      S_REASON = "本期无应办事项";
      SP = 0;
      SQ = 1;
    } else {
      SP = leaf.ptsP;
      SQ = leaf.ptsQ;
    }
    return leaf.emptyText;
  }
  let ok = 0;
  let late = "";
  let listed = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const s = parseInstant(e.start);
    const en = parseInstant(e.end);
    if (s === null || en === null) throw FALLBACK;
    if (onTime(s, en, limit, ctx.cal)) {
      ok++;
      continue;
    }
    if (listed < MAX_LISTED) {
      const name = e.label ? `“${e.label}”` : `第${i + 1}件`;
      let detail: string;
      if (limit.kind === "hours") {
        const used = Math.round((en.us - s.us) / 36_000_000) / 100;
        detail = `用时${used}小时`;
      } else {
        detail = `应于${formatDate(ctx.cal.addWorkingDays(s.day, limit.n))}前完成，实际${e.end.slice(0, 10)}完成`;
      }
      const item = `${name}（${detail}）${sourceNote(e.source)}`;
      late = listed === 0 ? item : `${late}、${item}`;
      listed++;
    }
  }
  const lateCount = n - ok;
  let text = `${leaf.limitText}：${n}件中${ok}件按时`;
  if (lateCount > 0) {
    text += `，超时${lateCount}件：${late}${lateCount > listed ? `等${lateCount}件` : ""}`;
  }
  if (ok === n) {
    SP = leaf.ptsP;
    SQ = leaf.ptsQ;
  } else setScore(chk(leaf.ptsP * ok), chk(leaf.ptsQ * n));
  return text;
}

function evalVeto(input: LeafInput): string {
  SP = 0;
  SQ = 1;
  S_DIV = false;
  if (input.triggered) {
    const reason = input.reason ?? "";
    S_TRIG = true;
    S_REASON = reason;
    return `触发单项否决：${reason}${sourceNote(input.source)}`;
  }
  return "未触发单项否决";
}

// ------------------------------------------------------------ outcome keys

/** Code of a non-negative decimal with few digits (p < 2^21, ≤ 3 places), or -1. */
function smallCode(x: unknown): number {
  if (typeof x !== "number") return -1;
  const k = decK(x);
  if (k < 0 || k > 3 || DP < 0 || DP >= 2 ** 21) return -1;
  return DP * 4 + k;
}

/**
 * A number that identifies everything the leaf's outcome depends on for this input
 * (the leaf itself being fixed), or -1 when the input is not one of the common,
 * cacheable shapes. Inputs with an override are never keyed.
 */
function outcomeKey(leaf: FastLeaf, input: LeafInput): number {
  switch (leaf.kind) {
    case K_SCORE: {
      const e = input.scores;
      if (e === undefined) return -1;
      // Key ranges: one score [0, 2^23); two small scores [2^23, 2^23 + 2^28) (small integers,
      // the fast kind of Map key); two other scores [2^30, 2^30 + 2^46).
      if (e.length === 1) return smallCode(e[0]);
      if (e.length === 2) {
        const c1 = smallCode(e[0]);
        if (c1 < 0) return -1;
        const c2 = smallCode(e[1]);
        if (c2 < 0) return -1;
        return c1 < 2 ** 14 && c2 < 2 ** 14 ? 2 ** 23 + c1 * 2 ** 14 + c2 : 2 ** 30 + c1 * 2 ** 23 + c2;
      }
      return -1;
    }
    case K_DEDUCTION: {
      const list = input.deductions;
      if (list === undefined || list.length === 0) return 0;
      if (list.length > 4) return -1;
      const faults = leaf.faults as Map<string, FastFault>;
      let key = list.length;
      for (let i = 0; i < list.length; i++) {
        const d = list[i];
        if (d.fault === undefined || d.source !== undefined) return -1;
        const f = faults.get(d.fault);
        const count = d.count ?? 1;
        if (f === undefined || f.idx >= 16 || !Number.isInteger(count) || count < 0 || count > 15) return -1;
        key = key * 256 + f.idx * 16 + count;
      }
      return key;
    }
    case K_RATIO: {
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
    }
    case K_TIERS: {
      if (input.source !== undefined) return -1;
      return smallCode(input.value ?? 0);
    }
    case K_TIMELINESS:
      return input.events === undefined || input.events.length === 0 ? 0 : -1;
    case K_VETO:
      return input.triggered ? -1 : 0;
    default:
      return -1;
  }
}

// ------------------------------------------------------------ unit

const dimEP = new Float64Array(DIMENSION_KEYS.length);
const dimEQ = new Float64Array(DIMENSION_KEYS.length);
const dimMP = new Float64Array(DIMENSION_KEYS.length);
const dimMQ = new Float64Array(DIMENSION_KEYS.length);

/**
 * Score one unit; same result as computeUnitExact (compute.ts). Throws OVERFLOW or
 * FALLBACK (or whatever the generic path would throw) when the unit must be computed
 * by the generic path instead.
 */
export function computeUnitFast(pkg: AssessmentPackage, plan: FastPlan, unit: UnitInput, ctx: RuleContext, interner: Interner): UnitCore {
  const leaves = (plan.template === null ? {} : { ...plan.template }) as Record<string, LeafResult>;
  const inputs = unit.inputs;
  let baseEP = 0;
  let baseEQ = 1;
  let baseMP = 0;
  let baseMQ = 1;
  let bonusEP = 0;
  let bonusEQ = 1;
  let baseNa = 0;
  let hasBonus = false;
  dimEP.fill(0);
  dimEQ.fill(1);
  dimMP.fill(0);
  dimMQ.fill(1);
  const vetoReasons: string[] = [];

  const list = plan.leaves;
  for (let i = 0; i < list.length; i++) {
    const leaf = list[i];
    const input = inputs[leaf.id];
    if (input === undefined || input === null) throw FALLBACK;
    S_NA = false;
    S_DIV = false;
    S_TRIG = false;
    S_REASON = undefined;
    let explain: string | undefined;
    let c = 0;
    let p = 0;
    let q = 1;
    if (input.na === true) {
      S_NA = true;
      explain = interner.na(input.reason);
    } else {
      const key = input.override === undefined && leaf.outcomes !== null ? outcomeKey(leaf, input) : -1;
      const o = key >= 0 ? (leaf.outcomes as Map<number, Outcome>).get(key) : undefined;
      if (o !== undefined) {
        explain = o.explain;
        c = o.c;
        p = o.p;
        q = o.q;
        S_NA = o.na;
        S_DIV = o.divergent;
      } else {
        let text: string;
        switch (leaf.kind) {
          case K_SCORE:
            text = evalScore(leaf, input, ctx);
            break;
          case K_DEDUCTION:
            text = evalDeduction(leaf, input);
            break;
          case K_RATIO:
            text = evalRatio(leaf, input, ctx);
            break;
          case K_TIERS:
            text = evalTiers(leaf, input);
            break;
          case K_TIMELINESS:
            text = evalTimeliness(leaf, input, ctx);
            break;
          case K_VETO:
            text = evalVeto(input);
            break;
          default:
            text = viaGeneric(leaf, input, ctx);
        }
        if (leaf.part === P_VETO || S_NA) {
          explain = interner.get(text);
        } else {
          p = SP;
          q = SQ;
          const ov = input.override;
          if (ov !== undefined) {
            text += `；${adjustLabel(ov.by)}：${ov.reason}，由${centsToString(cents(p, q))}分调整为${numStr(ov.value)}分`;
            const k = decK(ov.value);
            if (k < 0) throw FALLBACK;
            reduce(DP, POW10[k]);
            p = RP;
            q = RQ;
          }
          c = cents(p, q);
          explain = interner.get(`${text}，得${centsToString(c)}/${leaf.pointsStr}分`);
        }
        if (key >= 0 && !S_TRIG) {
          const outcomes = leaf.outcomes as Map<number, Outcome>;
          if (outcomes.size < OUTCOMES_PER_LEAF) outcomes.set(key, { explain, p, q, c, na: S_NA, divergent: S_DIV });
        }
      }
    }
    if (leaf.part === P_VETO) {
      if (S_TRIG) vetoReasons.push(S_REASON ?? "");
    } else if (S_NA) {
      if (leaf.part === P_BASE) baseNa++;
    } else if (leaf.part === P_BASE) {
      add(baseEP, baseEQ, p, q);
      baseEP = RP;
      baseEQ = RQ;
      add(baseMP, baseMQ, leaf.ptsP, leaf.ptsQ);
      baseMP = RP;
      baseMQ = RQ;
      const k = leaf.dim;
      if (k >= 0) {
        add(dimEP[k], dimEQ[k], p, q);
        dimEP[k] = RP;
        dimEQ[k] = RQ;
        add(dimMP[k], dimMQ[k], leaf.ptsP, leaf.ptsQ);
        dimMP[k] = RP;
        dimMQ[k] = RQ;
      }
    } else {
      hasBonus = true;
      add(bonusEP, bonusEQ, p, q);
      bonusEP = RP;
      bonusEQ = RQ;
    }
    leaves[leaf.id] = {
      score: c / 100,
      max: leaf.max,
      na: S_NA,
      divergent: S_DIV,
      explain,
    };
  }

  const A = fastArith;
  const dimE: F[] = new Array(DIMENSION_KEYS.length);
  const dimM: F[] = new Array(DIMENSION_KEYS.length);
  for (let k = 0; k < DIMENSION_KEYS.length; k++) {
    dimE[k] = A.frac(dimEP[k], dimEQ[k]);
    dimM[k] = A.frac(dimMP[k], dimMQ[k]);
  }
  return finishUnit(
    A,
    pkg,
    plan.set,
    unit,
    leaves,
    vetoReasons,
    A.frac(baseEP, baseEQ),
    A.frac(baseMP, baseMQ),
    A.frac(bonusEP, bonusEQ),
    baseNa,
    hasBonus,
    dimE,
    dimM,
  );
}
