// compute(pkg): the pure scoring of a validated package — each unit scored once, through the rule
// modules (unit.ts), then ranked (rank.ts).
import { WorkCalendar } from "./calendar";
import { compileSet, type CompiledSet } from "./compile";
import { Interner } from "./intern";
import { assemble, type Standing, type UnitCore } from "./rank";
import type { RuleContext } from "./rules";
import type { AssessmentPackage, Results, UnitInput } from "./schema";
import { scoreUnit } from "./unit";
import { packageWarnings } from "./warnings";

export function allNaWarning(unit: { id: string; name: string }): string {
  return `单位“${unit.name}”（${unit.id}）的基础指标全部不适用，基础分按0分计`;
}

/** The package compiled for scoring: one compiled set per category. */
export interface Scorer {
  sets: Map<string, CompiledSet>;
  /** Grades and pass mark by category. */
  settings: Map<string, Standing>;
  /** One unit's core figures; `interner` keeps one copy of each explanation within one run. */
  score(unit: UnitInput, interner: Interner): UnitCore;
}

export function scorer(pkg: AssessmentPackage): Scorer {
  const sets = new Map<string, CompiledSet>();
  const env = { reconcile: pkg.reconcile, divergence: pkg.divergence };
  for (const s of pkg.indicatorSets) sets.set(s.category, compileSet(s, env, pkg));
  const ctx: RuleContext = { cal: new WorkCalendar(pkg.calendar) };
  return {
    sets,
    settings: new Map([...sets].map(([category, set]) => [category, set.settings])),
    score(unit, interner) {
      const set = sets.get(unit.category);
      if (set === undefined) throw new Error(`no indicator set for category ${unit.category} (package not validated?)`);
      return scoreUnit(set, unit, ctx, interner);
    },
  };
}

/** Score a validated package (see validatePackage). Pure and deterministic. */
export function compute(pkg: AssessmentPackage): Results {
  return computeWith(scorer(pkg), pkg);
}

/** compute(pkg) with the package's header already compiled (`s` = scorer of the same header). */
export function computeWith(s: Scorer, pkg: AssessmentPackage): Results {
  const warnings = packageWarnings(pkg);
  const interner = new Interner();
  const cores: UnitCore[] = [];
  for (const unit of pkg.units) {
    const core = s.score(unit, interner);
    if (core.allNa) warnings.push(allNaWarning(unit));
    cores.push(core);
  }
  return assemble(pkg, s.settings, cores, warnings);
}
