// Scoring one unit: every leaf through its rule module, then normalisation, veto, bonus gate,
// contribution, dimensions and the unit's explanation.
import type { CompiledSet, Outcome } from "./compile";
import { centsToString, numStr } from "./decimal";
import type { Interner } from "./intern";
import { add, cents, cmp, div, HUNDRED, min, mul, num, RatSum, sign, str, ZERO, type Rat } from "./rational";
import type { UnitCore } from "./rank";
import type { LeafOut, RuleContext } from "./rules";
import { DIMENSION_KEYS, type AssessmentPackage, type Dimension, type LeafResult, type UnitInput } from "./schema";

function adjustLabel(by: "arbitration" | "appeal"): string {
  return by === "appeal" ? "复核调整" : "仲裁调整";
}

// Scratch state of the unit being scored (compute() is synchronous): no allocation per leaf.
const out: LeafOut = { score: ZERO, na: false, divergent: false, triggered: false, reason: "" };
const baseE = new RatSum();
const baseM = new RatSum();
const bonusE = new RatSum();
const dimE = DIMENSION_KEYS.map(() => new RatSum());
const dimM = DIMENSION_KEYS.map(() => new RatSum());

export function scoreUnit(pkg: AssessmentPackage, set: CompiledSet, unit: UnitInput, ctx: RuleContext, interner: Interner): UnitCore {
  const leaves = { ...set.template } as unknown as Record<string, LeafResult>;
  const inputs = unit.inputs;
  baseE.reset();
  baseM.reset();
  bonusE.reset();
  for (const d of dimE) d.reset();
  for (const d of dimM) d.reset();
  let baseNa = 0;
  let hasBonus = false;
  const vetoReasons: string[] = [];

  for (const leaf of set.leaves) {
    const input = inputs[leaf.id];
    // Validation requires an own input per leaf: anything else (e.g. Object.prototype.constructor for a leaf "constructor") is a bug.
    if (typeof input !== "object" || input === null) throw new Error(`unit ${unit.id} has no input for leaf ${leaf.id} (package not validated?)`);
    let explain: string;
    let score = ZERO;
    let c = 0;
    let na: boolean;
    let divergent = false;
    let triggered = false;
    if (input.na === true) {
      na = true;
      explain = interner.na(input.reason);
    } else {
      const rule = leaf.module;
      const key = input.override === undefined ? rule.key(leaf.compiled, input) : -1;
      const o = key >= 0 ? leaf.outcomes.get(key) : undefined;
      if (o !== undefined) {
        ({ explain, score, c, na, divergent } = o);
      } else {
        let text = rule.evaluate(leaf.compiled, input, ctx, out);
        ({ na, divergent, triggered } = out);
        if (leaf.part === "veto" || na) {
          explain = interner.get(text);
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
        if (key >= 0 && !triggered && leaf.outcomes.size < OUTCOMES_PER_LEAF) leaf.outcomes.set(key, { explain, score, c, na, divergent });
      }
    }
    if (leaf.part === "veto") {
      if (triggered) vetoReasons.push(out.reason);
    } else if (na) {
      if (leaf.part === "base") baseNa++;
    } else if (leaf.part === "base") {
      baseE.add(score);
      baseM.add(leaf.pointsRat);
      const k = leaf.dim;
      if (k >= 0) {
        dimE[k].add(score);
        dimM[k].add(leaf.pointsRat);
      }
    } else {
      hasBonus = true;
      bonusE.add(score);
    }
    leaves[leaf.id] = { score: c / 100, max: leaf.part === "veto" ? 0 : leaf.points, na, divergent, explain };
  }
  return finishUnit(
    pkg,
    set,
    unit,
    leaves,
    vetoReasons,
    baseE.value(),
    baseM.value(),
    bonusE.value(),
    baseNa,
    hasBonus,
    dimE.map((d) => d.value()),
    dimM.map((d) => d.value()),
  );
}

/** Distinct outcomes kept per leaf; beyond that, explanations are built every time. */
const OUTCOMES_PER_LEAF = 4096;

function finishUnit(
  pkg: AssessmentPackage,
  set: CompiledSet,
  unit: UnitInput,
  leaves: Record<string, LeafResult>,
  vetoReasons: string[],
  baseE: Rat,
  baseM: Rat,
  bonusE: Rat,
  baseNa: number,
  hasBonus: boolean,
  dimE: Rat[],
  dimM: Rat[],
): UnitCore {
  const scale = num(pkg.scale);
  const allNa = sign(baseM) === 0;
  const base = allNa ? ZERO : div(mul(scale, baseE), baseM);
  const cap = set.bonusCap;
  const bonusRaw = min(bonusE, cap);
  const vetoed = vetoReasons.length > 0;
  const gateOpen = !vetoed && cmp(base, num(pkg.bonusGate)) > 0;
  const bonus = gateOpen ? bonusRaw : ZERO;
  const total = vetoed ? num(pkg.vetoScore) : add(base, bonus);
  const contribution = div(mul(total, num(pkg.opennessWeightPct)), HUNDRED);

  const dimensions: Partial<Record<Dimension, number>> = {};
  for (let k = 0; k < DIMENSION_KEYS.length; k++) {
    if (sign(dimM[k]) > 0) dimensions[DIMENSION_KEYS[k]] = cents(div(mul(HUNDRED, dimE[k]), dimM[k])) / 100;
  }

  const baseC = cents(base);
  const bonusC = cents(bonus);
  const totalC = cents(total);
  const contributionC = cents(contribution);

  const parts: string[] = [];
  const naNote = baseNa > 0 ? `（${baseNa}项不适用，不计入）` : "";
  if (allNa) {
    parts.push(`基础指标全部不适用，基础分按0分计`);
  } else if (cmp(baseM, scale) === 0) {
    parts.push(`基础部分得分${str(baseE)}/${str(baseM)}分${naNote}，基础分${centsToString(baseC)}分`);
  } else {
    parts.push(
      `基础部分得分${str(baseE)}/${str(baseM)}分${naNote}，` +
        `折算为${numStr(pkg.scale)}分制：${numStr(pkg.scale)}×${str(baseE)}÷${str(baseM)}=${centsToString(baseC)}分`,
    );
  }
  if (vetoed) {
    parts.push(`触发单项否决（${vetoReasons.join("；")}），总分按${numStr(pkg.vetoScore)}分计，不计加分`);
  } else if (hasBonus || set.hasBonusPart) {
    if (gateOpen) {
      const capped = cmp(bonusE, cap) > 0 ? `（加分项合计${str(bonusE)}分，以${str(cap)}分为限）` : "";
      parts.push(`基础分高于${numStr(pkg.bonusGate)}分，计入加分${centsToString(bonusC)}分${capped}`);
    } else if (sign(bonusE) > 0) {
      parts.push(`加分项得分${str(bonusRaw)}分，因基础分未高于${numStr(pkg.bonusGate)}分，不计入`);
    }
  }
  parts.push(`总分${centsToString(totalC)}分，按${numStr(pkg.opennessWeightPct)}%权重折合年度绩效考核${centsToString(contributionC)}分`);

  return {
    id: unit.id,
    name: unit.name,
    category: unit.category,
    totalC,
    baseC,
    bonusC,
    vetoed,
    vetoReasons,
    contributionC,
    dimensions,
    leaves,
    explain: parts.join("；"),
    allNa,
  };
}
