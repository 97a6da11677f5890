// compute(pkg): the pure scoring of a validated package.
import { WorkCalendar } from "./calendar";
import { compileSet, type CompiledSet, type LeafSpec } from "./compile";
import { bigArith, centsToString, fastArith, numStr, OVERFLOW, type Arith } from "./decimal";
import { assemble, type UnitCore } from "./rank";
import { RULES, type LeafEval, type RuleContext } from "./rules";
import { DIMENSION_KEYS, type AssessmentPackage, type Dimension, type LeafResult, type Results, type UnitInput } from "./schema";
import { packageWarnings } from "./warnings";

const DIM_INDEX = new Map<Dimension, number>(DIMENSION_KEYS.map((k, i) => [k, i]));

/** Copy a concatenated (rope) string into one flat string so results retain one object, not a tree. */
function flat(s: string): string {
  s.charCodeAt(0); // V8 flattens a rope on indexed access
  return s;
}

function adjustLabel(by: "arbitration" | "appeal"): string {
  return by === "appeal" ? "复核调整" : "仲裁调整";
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

export function computeUnitExact(pkg: AssessmentPackage, set: CompiledSet, unit: UnitInput, ctx: RuleContext): UnitCore {
  try {
    return computeUnit(fastArith, pkg, set, unit, ctx);
  } catch (e) {
    if (e === OVERFLOW) return computeUnit(bigArith, pkg, set, unit, ctx);
    throw e;
  }
}

/** Score a validated package (see validatePackage). Pure and deterministic. */
export function compute(pkg: AssessmentPackage): Results {
  const sets = new Map<string, CompiledSet>();
  for (const s of pkg.indicatorSets) sets.set(s.category, compileSet(s));
  const ctx: RuleContext = {
    cal: new WorkCalendar(pkg.calendar),
    reconcile: pkg.reconcile,
    divergence: pkg.divergence,
  };
  const warnings = packageWarnings(pkg);
  const cores: UnitCore[] = [];
  for (const unit of pkg.units) {
    const set = sets.get(unit.category);
    if (!set) throw new Error(`no indicator set for category ${unit.category} (package not validated?)`);
    const core = computeUnitExact(pkg, set, unit, ctx);
    if (core.allNa) warnings.push(`单位“${unit.name}”（${unit.id}）的基础指标全部不适用，基础分按0分计`);
    cores.push(core);
  }
  return assemble(pkg, cores, warnings);
}
