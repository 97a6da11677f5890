// Incremental recompute: a package in which most units are unchanged since their results were
// computed. Each unit is scored on its own — only ranks (overall and in the category) depend on the
// other units — so an unchanged unit needs no inputs and no previous leaves, only what ranking and
// the warnings read of it (KeptUnit); the other units are scored, then all are ranked together. The
// ranks, the new results and the warnings are exactly those of scoring the whole package.
import { allNaWarning, scorer } from "./compute";
import { Interner } from "./intern";
import { descendingGrades, rankUnits, resultsFormat, unitResult } from "./rank";
import type { Results, UnitResult, ValidationError } from "./schema";
import { validatePackage } from "./validate";
import { packageWarnings } from "./warnings";

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** What an incremental recompute needs of a unit whose earlier result is kept (its package entry and the header unchanged since). */
export interface KeptUnit {
  id: string;
  name: string;
  category: string;
  /** The kept result's total (2 decimals). */
  total: number;
  /** Whether all its base leaves were not applicable (the kept result's warning). */
  allNa: boolean;
}

/** A unit of the recomputed results, in results order: its ranks, and its new result when it was scored in this run. */
export interface RankedUnit {
  id: string;
  rank: number;
  categoryRank: number;
  /** The result of a unit scored in this run (ranks included); null for a kept unit. */
  result: UnitResult | null;
  allNa: boolean;
}

export type RecomputeOutcome =
  | { ok: true; results: Omit<Results, "units">; units: RankedUnit[]; /** Ids of the units scored in this run. */ rescored: string[] }
  | { ok: false; errors: ValidationError[] };

/**
 * Score `input` (a whole package, units in package order) reusing `kept`: by unit id, units whose
 * package entry and package header (everything but the units) are unchanged since their kept
 * results were computed (the caller knows, e.g. by hashing them); such a unit may stand in `input`
 * as its id alone. The header and the units without a kept result are validated (error paths
 * index `input.units`). Answers the results without their units array (format, title, warnings),
 * and every unit in results order with its ranks.
 */
export function recomputeUnits(input: unknown, kept: ReadonlyMap<string, KeptUnit>): RecomputeOutcome {
  const all: unknown[] = isObj(input) && Array.isArray(input.units) ? input.units : [];
  const keptAt = new Map<number, KeptUnit>();
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
    const k = id === undefined ? undefined : kept.get(id);
    if (k !== undefined) keptAt.set(i, k);
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
  const cores = new Map<string, ReturnType<typeof s.score>>();
  const rankable: { id: string; category: string; totalC: number; allNa: boolean }[] = [];
  let next = 0;
  for (let i = 0; i < all.length; i++) {
    const k = keptAt.get(i);
    if (k === undefined) {
      const unit = v.pkg.units[next++];
      const core = s.score(unit, interner);
      if (core.allNa) warnings.push(allNaWarning(unit));
      cores.set(core.id, core);
      rankable.push({ id: core.id, category: core.category, totalC: core.totalC, allNa: core.allNa });
      continue;
    }
    if (!s.sets.has(k.category)) throw new Error(`kept result of unit ${k.id} names category ${k.category}, which the package does not define`);
    if (k.allNa) warnings.push(allNaWarning(k));
    rankable.push({ id: k.id, category: k.category, totalC: Math.round(k.total * 100), allNa: k.allNa });
  }
  const desc = descendingGrades(s.settings);
  const units = rankUnits(rankable).map(({ unit, rank, categoryRank }): RankedUnit => {
    const core = cores.get(unit.id);
    const result = core === undefined ? null : unitResult(core, s.settings.get(core.category), desc.get(core.category), rank, categoryRank);
    return { id: unit.id, rank, categoryRank, result, allNa: unit.allNa };
  });
  return { ok: true, results: { format: resultsFormat(v.pkg), title: v.pkg.title, warnings }, units, rescored: index.map((i) => (all[i] as { id: string }).id) };
}

const RANKS = /,"rank":\d+,"categoryRank":\d+,/;

/**
 * A kept result's entry text (or any object text that JSON.stringify wrote from its leading keys,
 * such as a summary) with the ranks an incremental recompute gave it: the bytes of serialising the
 * entry with the new ranks, without parsing it. The first `,"rank":` is the entry's own key: no key
 * before it holds an object, and a string value cannot hold it unescaped.
 */
export function withRanks(text: string, rank: number, categoryRank: number): string {
  const m = RANKS.exec(text);
  if (!m) throw new Error(`results entry without its ranks: ${text.slice(0, 80)}`);
  return `${text.slice(0, m.index)},"rank":${rank},"categoryRank":${categoryRank},${text.slice(m.index + m[0].length)}`;
}
