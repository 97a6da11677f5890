// The unit-level part of scoring, shared by the generic path (compute.ts) and the fast path (fast.ts).
import type { CompiledSet } from "./compile";
import { centsToString, numStr, type Arith } from "./decimal";
import type { UnitCore } from "./rank";
import { DIMENSION_KEYS, type AssessmentPackage, type Dimension, type LeafResult, type UnitInput } from "./schema";

export const DIM_INDEX = new Map<Dimension, number>(DIMENSION_KEYS.map((k, i) => [k, i]));

export function adjustLabel(by: "arbitration" | "appeal"): string {
  return by === "appeal" ? "复核调整" : "仲裁调整";
}

/**
 * The unit-level part of scoring, shared by the generic path (computeUnit) and the fast path
 * (fast.ts): normalisation, veto, bonus gate, contribution, dimensions and the unit's explanation.
 */
export function finishUnit<T>(
  A: Arith<T>,
  pkg: AssessmentPackage,
  set: CompiledSet,
  unit: UnitInput,
  leaves: Record<string, LeafResult>,
  vetoReasons: string[],
  baseE: T,
  baseM: T,
  bonusE: T,
  baseNa: number,
  hasBonus: boolean,
  dimE: T[],
  dimM: T[],
): UnitCore {
  const scale = A.num(pkg.scale);
  const allNa = A.sign(baseM) === 0;
  const base = allNa ? A.zero : A.div(A.mul(scale, baseE), baseM);
  let cap = A.zero;
  for (const p of set.bonusPoints) cap = A.add(cap, A.num(p));
  const bonusRaw = A.min(bonusE, cap);
  const vetoed = vetoReasons.length > 0;
  const gateOpen = !vetoed && A.cmp(base, A.num(pkg.bonusGate)) > 0;
  const bonus = gateOpen ? bonusRaw : A.zero;
  const total = vetoed ? A.num(pkg.vetoScore) : A.add(base, bonus);
  const contribution = A.div(A.mul(total, A.num(pkg.opennessWeightPct)), A.frac(100, 1));

  const dimensions: Partial<Record<Dimension, number>> = {};
  for (let k = 0; k < DIMENSION_KEYS.length; k++) {
    if (A.sign(dimM[k]) > 0) {
      dimensions[DIMENSION_KEYS[k]] = A.cents(A.div(A.mul(A.frac(100, 1), dimE[k]), dimM[k])) / 100;
    }
  }

  const baseC = A.cents(base);
  const bonusC = A.cents(bonus);
  const totalC = A.cents(total);
  const contributionC = A.cents(contribution);

  // Unit-level explanation.
  const parts: string[] = [];
  const naNote = baseNa > 0 ? `（${baseNa}项不适用，不计入）` : "";
  if (allNa) {
    parts.push(`基础指标全部不适用，基础分按0分计`);
  } else if (A.cmp(baseM, scale) === 0) {
    parts.push(`基础部分得分${A.str(baseE)}/${A.str(baseM)}分${naNote}，基础分${centsToString(baseC)}分`);
  } else {
    parts.push(
      `基础部分得分${A.str(baseE)}/${A.str(baseM)}分${naNote}，` +
        `折算为${numStr(pkg.scale)}分制：${numStr(pkg.scale)}×${A.str(baseE)}÷${A.str(baseM)}=${centsToString(baseC)}分`,
    );
  }
  if (vetoed) {
    parts.push(`触发单项否决（${vetoReasons.join("；")}），总分按${numStr(pkg.vetoScore)}分计，不计加分`);
  } else if (hasBonus || set.bonusPoints.length > 0) {
    if (gateOpen) {
      const capped = A.cmp(bonusE, cap) > 0 ? `（加分项合计${A.str(bonusE)}分，以${A.str(cap)}分为限）` : "";
      parts.push(`基础分高于${numStr(pkg.bonusGate)}分，计入加分${centsToString(bonusC)}分${capped}`);
    } else if (A.sign(bonusE) > 0) {
      parts.push(`加分项得分${A.str(bonusRaw)}分，因基础分未高于${numStr(pkg.bonusGate)}分，不计入`);
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

