// Incremental recompute: a package in which most units are unchanged since their results were
// computed. Each unit is scored on its own — only ranks (overall and in the category) depend on the
// other units — so the unchanged units keep their previous results and only the others are
// scored; then all are ranked together. The results are byte-identical to scoring the whole package.
import { allNaWarning, scorer } from "./compute";
import { Interner } from "./intern";
import { assemble, coreOfResult, type UnitCore } from "./rank";
import type { Results, UnitResult, ValidationError } from "./schema";
import { validatePackage } from "./validate";
import { packageWarnings } from "./warnings";

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

export type RecomputeOutcome =
  | { ok: true; results: Results; /** Ids of the units scored in this run. */ rescored: string[] }
  | { ok: false; errors: ValidationError[] };

/**
 * Score `input` (a whole package) reusing `previous`: results, by unit id, of units whose package
 * entry and whose package header (everything but the units) are unchanged since those results were
 * computed (the caller knows, e.g. by hashing them). The header and the units without a previous
 * result are validated (error paths index `input.units`); the units with one are not scored again.
 */
export function recomputeUnits(input: unknown, previous: ReadonlyMap<string, UnitResult>): RecomputeOutcome {
  const all: unknown[] = isObj(input) && Array.isArray(input.units) ? input.units : [];
  const kept = new Map<number, UnitResult>();
  const toScore: unknown[] = [];
  const index: number[] = [];
  const errors: ValidationError[] = [];
  const seen = new Map<string, number>();
  all.forEach((u, i) => {
    const id = isObj(u) && typeof u.id === "string" ? u.id : undefined;
    if (id !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) errors.push({ path: `units[${i}].id`, message: `单位编号“${id}”重复（与 units[${first}] 相同）` });
      else seen.set(id, i);
    }
    const r = id === undefined ? undefined : previous.get(id);
    if (r !== undefined) kept.set(i, r);
    else {
      toScore.push(u);
      index.push(i);
    }
  });
  const v = validatePackage(isObj(input) && Array.isArray(input.units) ? { ...input, units: toScore } : input);
  if (!v.ok) {
    // Paths of the validated subset → paths in the whole package.
    for (const e of v.errors) {
      const m = /^units\[(\d+)\]/.exec(e.path);
      errors.push(m ? { ...e, path: `units[${index[Number(m[1])]}]${e.path.slice(m[0].length)}` } : e);
    }
  }
  if (errors.length > 0 || !v.ok) return { ok: false, errors };

  const s = scorer(v.pkg);
  const interner = new Interner();
  const warnings = packageWarnings(v.pkg);
  const cores: UnitCore[] = [];
  let next = 0;
  for (let i = 0; i < all.length; i++) {
    const r = kept.get(i);
    if (r === undefined) {
      const unit = v.pkg.units[next++];
      const core = s.score(unit, interner);
      if (core.allNa) warnings.push(allNaWarning(unit));
      cores.push(core);
      continue;
    }
    const set = s.sets.get(r.category);
    if (set === undefined) throw new Error(`previous result of unit ${r.id} names category ${r.category}, which the package does not define`);
    let allNa = true;
    for (const leaf of set.leaves) {
      if (leaf.part !== "base") continue;
      const lr = Object.prototype.hasOwnProperty.call(r.leaves, leaf.id) ? r.leaves[leaf.id] : undefined;
      if (lr === undefined) throw new Error(`previous result of unit ${r.id} has no leaf ${leaf.id}: it was not computed from this package header`);
      if (!lr.na) allNa = false;
    }
    if (allNa) warnings.push(allNaWarning(r));
    cores.push(coreOfResult(r));
  }
  return { ok: true, results: assemble(v.pkg, s.settings, cores, warnings), rescored: index.map((i) => (all[i] as { id: string }).id) };
}
