// compute(pkg): the pure scoring of a validated package.
import { WorkCalendar } from "./calendar";
import { compileSet, type CompiledSet, type LeafSpec } from "./compile";
import { bigArith, centsToString, fastArith, numStr, OVERFLOW, type Arith } from "./decimal";
import { assemble, type UnitCore } from "./rank";
import { computeUnitFast, Interner, planSet, type FastPlan } from "./fast";
import { RULES, type LeafEval, type RuleContext } from "./rules";
import { DIMENSION_KEYS, type AssessmentPackage, type LeafResult, type Results, type UnitInput } from "./schema";
import { adjustLabel, DIM_INDEX, finishUnit } from "./unit";
import { packageWarnings } from "./warnings";

/** Copy a concatenated (rope) string into one flat string so results retain one object, not a tree. */
function flat(s: string): string {
  s.charCodeAt(0); // V8 flattens a rope on indexed access
  return s;
}

function evalLeaf<T>(A: Arith<T>, leaf: LeafSpec, unit: UnitInput, ctx: RuleContext): LeafEval<T> {
  const input = unit.inputs[leaf.id];
  if (input === undefined) throw new Error(`unit ${unit.id} has no input for leaf ${leaf.id} (package not validated?)`);
  if (input.na === true) {
    return { na: true, score: A.zero, text: `不适用：${input.reason ?? ""}`, divergent: false };
  }
  return RULES[leaf.rule.type](A, leaf, input, ctx);
}

export function computeUnit<T>(
  A: Arith<T>,
  pkg: AssessmentPackage,
  set: CompiledSet,
  unit: UnitInput,
  ctx: RuleContext,
): UnitCore {
  const leaves: Record<string, LeafResult> = {};
  let baseE = A.zero;
  let baseM = A.zero;
  let bonusE = A.zero;
  let baseNa = 0;
  let hasBonus = false;
  const dimE: T[] = DIMENSION_KEYS.map(() => A.zero);
  const dimM: T[] = DIMENSION_KEYS.map(() => A.zero);
  const vetoReasons: string[] = [];

  for (const leaf of set.leaves) {
    const ev = evalLeaf(A, leaf, unit, ctx);
    const input = unit.inputs[leaf.id];
    let explain: string;
    let cents = 0;
    if (leaf.part === "veto") {
      explain = ev.text;
      if (ev.triggered) vetoReasons.push(ev.reason ?? "");
    } else if (ev.na) {
      explain = ev.text;
      if (leaf.part === "base") baseNa++;
    } else {
      let score = ev.score;
      let text = ev.text;
      const ov = input.override;
      if (ov !== undefined) {
        text += `；${adjustLabel(ov.by)}：${ov.reason}，由${centsToString(A.cents(score))}分调整为${numStr(ov.value)}分`;
        score = A.num(ov.value);
      }
      cents = A.cents(score);
      explain = `${text}，得${centsToString(cents)}/${leaf.pointsStr}分`;
      if (leaf.part === "base") {
        const pts = A.num(leaf.points);
        baseE = A.add(baseE, score);
        baseM = A.add(baseM, pts);
        if (leaf.dimension !== undefined) {
          const k = DIM_INDEX.get(leaf.dimension) as number;
          dimE[k] = A.add(dimE[k], score);
          dimM[k] = A.add(dimM[k], pts);
        }
      } else {
        hasBonus = true;
        bonusE = A.add(bonusE, score);
      }
    }
    explain = flat(explain);
    leaves[leaf.id] = {
      score: cents / 100,
      max: leaf.part === "veto" ? 0 : leaf.points,
      na: ev.na,
      divergent: ev.divergent,
      explain,
    };
  }

  return finishUnit(A, pkg, set, unit, leaves, vetoReasons, baseE, baseM, bonusE, baseNa, hasBonus, dimE, dimM);
}

export function computeUnitExact(pkg: AssessmentPackage, set: CompiledSet, unit: UnitInput, ctx: RuleContext): UnitCore {
  try {
    return computeUnit(fastArith, pkg, set, unit, ctx);
  } catch (e) {
    if (e === OVERFLOW) return computeUnit(bigArith, pkg, set, unit, ctx);
    throw e;
  }
}

/**
 * Score a validated package (see validatePackage). Pure and deterministic.
 * Units go through the fast path (fast.ts); a unit it cannot handle exactly is
 * recomputed by the generic path, so the results never depend on the path.
 */
export function compute(pkg: AssessmentPackage): Results {
  return computeWith(pkg, true);
}

/** compute() through the generic path only: the reference the fast path is tested (and benchmarked) against. */
export function computeReference(pkg: AssessmentPackage): Results {
  return computeWith(pkg, false);
}

function computeWith(pkg: AssessmentPackage, fast: boolean): Results {
  const plans = new Map<string, FastPlan>();
  for (const s of pkg.indicatorSets) plans.set(s.category, planSet(compileSet(s), pkg));
  const ctx: RuleContext = {
    cal: new WorkCalendar(pkg.calendar),
    reconcile: pkg.reconcile,
    divergence: pkg.divergence,
  };
  const interner = new Interner();
  const warnings = packageWarnings(pkg);
  const cores: UnitCore[] = [];
  for (const unit of pkg.units) {
    const plan = plans.get(unit.category);
    if (!plan) throw new Error(`no indicator set for category ${unit.category} (package not validated?)`);
    let core: UnitCore | undefined;
    if (fast) {
      try {
        core = computeUnitFast(pkg, plan, unit, ctx, interner);
      } catch {
        // Whatever stopped the fast path (overflow, an unusual input), the generic path decides.
        core = undefined;
      }
    }
    if (core === undefined) core = computeUnitExact(pkg, plan.set, unit, ctx);
    if (core.allNa) warnings.push(`单位“${unit.name}”（${unit.id}）的基础指标全部不适用，基础分按0分计`);
    cores.push(core);
  }
  return assemble(pkg, cores, warnings);
}
