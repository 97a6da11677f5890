// Scoring one unit: every leaf through its rule module, then, in this order: part vetoes → N/A
// normalisation (a vetoed part's points stay in the denominator) → whole-unit veto → bonus gate →
// bonus cap → penalty cap → floor at 0; contribution, dimensions and the unit's explanation.
// Figures are exact until rounded once, to cents, at the end.
import type { CompiledLeaf, CompiledSet } from "./compile";
import { centsToString, numStr } from "./decimal";
import type { Interner } from "./intern";
import { add, cents, cmp, div, HUNDRED, min, mul, num, RatSum, sign, str, sub, ZERO, type Rat } from "./rational";
import type { UnitCore } from "./rank";
import type { LeafOut, RuleContext } from "./rules";
import { DIMENSION_KEYS, type Dimension, type LeafInput, type LeafResult, type UnitInput } from "./schema";

function adjustLabel(by: "arbitration" | "appeal"): string {
  return by === "appeal" ? "复核调整" : "仲裁调整";
}

// Scratch state of the unit being scored (compute() is synchronous): no allocation per leaf.
const out: LeafOut = { score: ZERO, deducted: ZERO, na: false, divergent: false, triggered: false, reason: "" };
// Earned points of the base leaves by dimension (the last: leaves without one); the base is their
// sum. Maximum points are the set's, less the points of the leaves left out as N/A.
const dimE = [...DIMENSION_KEYS, null].map(() => new RatSum());
const dimNa = [...DIMENSION_KEYS, null].map(() => new RatSum());
const baseE = new RatSum();
const naPoints = new RatSum();
const bonusE = new RatSum();

/**
 * One leaf's outcome for the unit being scored: its score as L_P / L_Q (safe integers), or, when
 * L_Q is 0, as L_SCORE (held as BigInts); L_DEDUCTED is set for penalty leaves.
 */
let L_P = 0;
let L_Q = 1;
let L_SCORE = ZERO;
let L_DEDUCTED = ZERO;
let L_NA = false;
let L_TRIGGERED = false;

function setScore(score: Rat): void {
  if (score.P === null) {
    L_P = score.p;
    L_Q = score.q;
  } else {
    L_Q = 0;
    L_SCORE = score;
  }
}

/** Add the score of the leaf just evaluated to a sum. */
function addScore(sum: RatSum): void {
  if (L_Q !== 0) sum.addFraction(L_P, L_Q);
  else sum.add(L_SCORE);
}

/**
 * Evaluate a leaf through its rule module (or reuse the outcome of an equal input); returns its result.
 * Results are shared between units with equal outcomes on the leaf (they are never modified).
 */
function evaluateLeaf(leaf: CompiledLeaf, input: LeafInput, ctx: RuleContext, interner: Interner): LeafResult {
  if (input.na === true) {
    L_P = 0;
    L_Q = 1;
    L_DEDUCTED = ZERO;
    L_NA = true;
    L_TRIGGERED = false;
    const reason = input.reason ?? "";
    const outcomes = leaf.outcomes;
    if (outcomes.naReason === reason && outcomes.naResult !== null) return outcomes.naResult;
    const r: LeafResult = { score: 0, max: leaf.max, na: true, divergent: false, explain: interner.na(reason) };
    outcomes.naReason = reason;
    outcomes.naResult = r;
    return r;
  }
  const rule = leaf.module;
  const key = input.override === undefined ? rule.key(leaf.compiled, input) : -1;
  if (key >= 0) {
    const table = leaf.outcomes;
    const i = table.find(key);
    if (i >= 0) {
      L_P = table.numerator(i);
      L_Q = table.denominator(i);
      if (L_Q === 0) L_SCORE = table.outcome(i).score;
      if (leaf.part === "penalty") L_DEDUCTED = table.outcome(i).deducted;
      L_NA = table.na(i);
      L_TRIGGERED = false;
      return table.result(i);
    }
  }
  let text = rule.evaluate(leaf.compiled, input, ctx, out);
  const { na, divergent, triggered, deducted } = out;
  let score = ZERO;
  let c = 0;
  let explain: string;
  if (leaf.part === "veto" || na) {
    explain = interner.get(text);
  } else if (leaf.part === "penalty") {
    c = -cents(deducted);
    explain = interner.get(`${text}，倒扣${centsToString(-c)}分`);
  } else {
    score = out.score;
    const ov = input.override;
    if (ov !== undefined) {
      text += `；${adjustLabel(ov.by)}：${ov.reason}，由${centsToString(cents(score))}分调整为${numStr(ov.value)}分`;
      score = num(ov.value);
    }
    c = cents(score);
    explain = interner.get(`${text}，得${centsToString(c)}/${leaf.pointsStr}分`);
  }
  const result: LeafResult = { score: c / 100, max: leaf.max, na, divergent, explain };
  if (key >= 0 && !triggered) leaf.outcomes.add(key, { result, score, deducted });
  setScore(score);
  L_DEDUCTED = deducted;
  L_NA = na;
  L_TRIGGERED = triggered;
  return result;
}

export function scoreUnit(set: CompiledSet, unit: UnitInput, ctx: RuleContext, interner: Interner): UnitCore {
  const leaves = { ...set.template } as unknown as Record<string, LeafResult>;
  const inputs = unit.inputs;
  bonusE.reset();
  for (const d of dimE) d.reset();
  for (const d of dimNa) d.reset();
  const tops = set.tops;
  const gate = set.settings.gate;
  for (const t of tops) {
    t.earned.reset();
    t.deducted.reset();
  }
  let baseNa = 0;
  let hasBonus = false;
  let hasPenalty = false;
  const vetoReasons: string[] = [];
  /** Top-level parts zeroed by a part veto, with the reasons. */
  let partVetoes: Map<number, string[]> | null = null;

  // set.order: veto leaves first, so that part vetoes are known before the parts are summed.
  for (const leaf of set.order) {
    const input = inputs[leaf.id];
    // Validation requires an own input per leaf: anything else (e.g. Object.prototype.constructor for a leaf "constructor") is a bug.
    if (typeof input !== "object" || input === null) throw new Error(`unit ${unit.id} has no input for leaf ${leaf.id} (package not validated?)`);
    leaves[leaf.id] = evaluateLeaf(leaf, input, ctx, interner);
    if (leaf.part === "veto") {
      if (!L_TRIGGERED) continue;
      if (leaf.vetoes < 0) vetoReasons.push(out.reason);
      else {
        partVetoes ??= new Map();
        const list = partVetoes.get(leaf.vetoes);
        if (list) list.push(out.reason);
        else partVetoes.set(leaf.vetoes, [out.reason]);
      }
      continue;
    }
    if (leaf.part === "penalty") {
      hasPenalty = true;
      if (!L_NA) tops[leaf.top].deducted.add(L_DEDUCTED);
      continue;
    }
    const vetoedPart = partVetoes !== null && partVetoes.has(leaf.top);
    if (L_NA && !vetoedPart) {
      if (leaf.part === "base") {
        baseNa++;
        dimNa[leaf.sum].add(leaf.pointsRat);
      }
      continue;
    }
    if (leaf.part !== "base") hasBonus = true;
    // A leaf of a vetoed part counts 0 of its points.
    if (vetoedPart) continue;
    if (gate.part >= 0) addScore(tops[leaf.top].earned);
    addScore(leaf.part === "base" ? dimE[leaf.sum] : bonusE);
  }

  const scale = set.scale;
  baseE.reset();
  naPoints.reset();
  for (let k = 0; k < dimE.length; k++) {
    baseE.addSum(dimE[k]);
    naPoints.addSum(dimNa[k]);
  }
  const E = baseE.value();
  const M = baseNa === 0 ? set.basePoints : sub(set.basePoints, naPoints.value());
  const allNa = sign(M) === 0;
  const base = allNa ? ZERO : div(mul(scale, E), M);
  const vetoed = vetoReasons.length > 0;
  // The bonus gate compares exact values: the base, or one part's raw earned points (0 when vetoed).
  const basis = gate.part < 0 ? base : tops[gate.part].earned.value();
  const gateCmp = cmp(basis, set.gateValue);
  const gateOpen = !vetoed && (gate.gte ? gateCmp >= 0 : gateCmp > 0);
  const bonusE_ = bonusE.value();
  const bonusRaw = min(bonusE_, set.bonusCap);
  const bonus = gateOpen ? bonusRaw : ZERO;
  let penaltyRaw = ZERO;
  let penalty = ZERO;
  for (const t of tops) {
    if (t.part !== "penalty") continue;
    const d = t.deducted.value();
    penaltyRaw = add(penaltyRaw, d);
    penalty = add(penalty, t.cap === null ? d : min(d, t.cap));
  }
  if (vetoed) penalty = ZERO;
  const unfloored = vetoed ? set.vetoScore : sub(add(base, bonus), penalty);
  const floored = sign(unfloored) < 0;
  const total = floored ? ZERO : unfloored;
  const contribution = div(mul(total, set.weight), HUNDRED);

  const dimensions: Partial<Record<Dimension, number>> = {};
  for (let k = 0; k < DIMENSION_KEYS.length; k++) {
    const m = dimNa[k].isZero() ? set.dimPoints[k] : sub(set.dimPoints[k], dimNa[k].value());
    if (sign(m) > 0) dimensions[DIMENSION_KEYS[k]] = cents(div(mul(HUNDRED, dimE[k].value()), m)) / 100;
  }

  const baseC = cents(base);
  const bonusC = cents(bonus);
  const penaltyC = cents(penalty);
  const totalC = cents(total);
  const contributionC = cents(contribution);

  const parts: string[] = [];
  if (partVetoes !== null) {
    for (const [i, reasons] of partVetoes) parts.push(`“${tops[i].name}”部分触发单项否决（${reasons.join("；")}），该部分按0分计`);
  }
  const naNote = baseNa > 0 ? `（${baseNa}项不适用，不计入）` : "";
  if (allNa) {
    parts.push(`基础指标全部不适用，基础分按0分计`);
  } else if (cmp(M, scale) === 0) {
    parts.push(`基础部分得分${str(E)}/${str(M)}分${naNote}，基础分${centsToString(baseC)}分`);
  } else {
    parts.push(
      `基础部分得分${str(E)}/${str(M)}分${naNote}，` +
        `折算为${set.scaleStr}分制：${set.scaleStr}×${str(E)}÷${str(M)}=${centsToString(baseC)}分`,
    );
  }
  if (vetoed) {
    parts.push(`触发单项否决（${vetoReasons.join("；")}），总分按${set.vetoScoreStr}分计，不计加分${hasPenalty ? "和扣分项" : ""}`);
  } else {
    if (hasBonus || set.hasBonusPart) {
      const basisName = gate.part < 0 ? "基础分" : `“${gate.partName}”部分得分`;
      const value = set.gateValueStr;
      if (gateOpen) {
        const capped = cmp(bonusE_, set.bonusCap) > 0 ? `（加分项合计${str(bonusE_)}分，以${str(set.bonusCap)}分为限）` : "";
        parts.push(`${basisName}${gate.gte ? "不低于" : "高于"}${value}分，计入加分${centsToString(bonusC)}分${capped}`);
      } else if (sign(bonusE_) > 0) {
        parts.push(`加分项得分${str(bonusRaw)}分，因${basisName}${gate.gte ? "低于" : "未高于"}${value}分，不计入`);
      }
    }
    if (hasPenalty && sign(penaltyRaw) > 0) {
      const capped = cmp(penaltyRaw, penalty) > 0 ? `（扣分项合计${str(penaltyRaw)}分，超过上限的部分不扣）` : "";
      parts.push(`扣分项扣${centsToString(penaltyC)}分${capped}`);
    }
    if (floored) parts.push(`总分不足0分，按0分计`);
  }
  parts.push(`总分${centsToString(totalC)}分，按${set.weightStr}%权重折合年度绩效考核${centsToString(contributionC)}分`);

  return {
    id: unit.id,
    name: unit.name,
    category: unit.category,
    totalC,
    baseC,
    bonusC,
    penaltyC: set.reportsPenalty ? penaltyC : null,
    vetoed,
    vetoReasons,
    contributionC,
    dimensions,
    leaves,
    explain: parts.join("；"),
    allNa,
  };
}
