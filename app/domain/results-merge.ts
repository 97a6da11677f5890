import type { AssessmentPackage, IndicatorNode, Results, UnitResult } from "../../scoring";
import { assemble, type UnitCore } from "../../scoring/rank";

/**
 * Incremental recompute: the engine scores every unit on its own — only the ranks (overall and in
 * the category) depend on the other units. So when a recompute finds that the package header
 * (settings, calendar, indicator sets) is unchanged, only the units whose own entry changed are
 * scored again (engine run on a package holding just those units) and the stored results of the
 * others are kept; the engine's own ranking (scoring/rank.ts `assemble`) then ranks all units
 * together. The merged results are identical to a full engine run (tested in
 * test/integration/results.test.ts).
 *
 * One caveat handled here: the engine's warnings name units whose base leaves are all not
 * applicable. Such kept units are scored again, so every warning comes from the engine run.
 */

/** Leaf ids of the base part per category (the leaves that make up a unit's base score). */
export function baseLeafIds(pkg: Pick<AssessmentPackage, "indicatorSets">): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const set of pkg.indicatorSets) {
    const ids: string[] = [];
    const walk = (nodes: readonly IndicatorNode[]) => {
      for (const n of nodes) {
        if (n.children && n.children.length > 0) walk(n.children);
        else ids.push(n.id);
      }
    };
    for (const top of set.indicators) if ((top.part ?? "base") === "base") walk([top]);
    out.set(set.category, ids);
  }
  return out;
}

/**
 * Whether the engine may have warned about this unit (no applicable base points). Errs on the side
 * of true: a unit for which this holds is simply scored again.
 */
export function mayHaveAllNaWarning(unit: UnitResult, baseIds: Map<string, string[]>): boolean {
  const ids = baseIds.get(unit.category);
  if (!ids) return true;
  let applicable = 0;
  for (const id of ids) {
    const leaf = unit.leaves[id];
    if (!leaf) return true;
    if (!leaf.na) applicable += leaf.max;
  }
  return applicable === 0;
}

function toCore(u: UnitResult): UnitCore {
  return {
    id: u.id,
    name: u.name,
    category: u.category,
    totalC: Math.round(u.total * 100),
    baseC: Math.round(u.base * 100),
    bonusC: Math.round(u.bonus * 100),
    vetoed: u.vetoed,
    vetoReasons: u.vetoReasons,
    contributionC: Math.round(u.contribution * 100),
    dimensions: u.dimensions,
    leaves: u.leaves,
    explain: u.explain,
    allNa: false,
  };
}

/**
 * Rank freshly scored units together with kept ones. `pkg` is the validated package (settings with
 * defaults applied); `fresh` is the engine's results for a package with the same header holding
 * only the re-scored units (its warnings are therefore the complete warnings); `kept` are the
 * stored results of the other units.
 */
export function mergeResults(pkg: AssessmentPackage, fresh: Results, kept: readonly UnitResult[]): Results {
  const cores = [...fresh.units.map(toCore), ...kept.map(toCore)];
  return assemble(pkg, cores, [...fresh.warnings]);
}
