// Competition ranking (1, 2, 2, 4) on the rounded total, grades and pass.
import { PACKAGE_FORMAT_2, RESULTS_FORMAT, RESULTS_FORMAT_2, type AssessmentPackage, type Dimension, type Grade, type LeafResult, type Results, type UnitResult } from "./schema";

/** Grades and pass mark of a category (its own, or the package's). */
export interface Standing {
  grades: Grade[];
  passMark: number;
}

/** A unit's scores before ranking; all figures already rounded (integer cents). */
export interface UnitCore {
  id: string;
  name: string;
  category: string;
  totalC: number;
  baseC: number;
  bonusC: number;
  /** zwgk-assessment/2 only: what the penalty part subtracted; null for a /1 package. */
  penaltyC: number | null;
  vetoed: boolean;
  vetoReasons: string[];
  contributionC: number;
  dimensions: Partial<Record<Dimension, number>>;
  leaves: Record<string, LeafResult>;
  explain: string;
  allNa: boolean;
}

export function byTotalThenId(a: { totalC: number; id: string }, b: { totalC: number; id: string }): number {
  if (a.totalC !== b.totalC) return b.totalC - a.totalC;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Competition ranks for items already sorted by total descending. */
export function competitionRanks(sorted: ReadonlyArray<{ totalC: number }>): number[] {
  const ranks: number[] = new Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    ranks[i] = i > 0 && sorted[i].totalC === sorted[i - 1].totalC ? ranks[i - 1] : i + 1;
  }
  return ranks;
}

/** The grade with the highest min ≤ total (the lowest grade if none, or when vetoed). */
export function gradeFor(totalC: number, vetoed: boolean, grades: Grade[]): string {
  const desc = grades.slice().sort((a, b) => b.min - a.min);
  const lowest = desc[desc.length - 1];
  if (vetoed) return lowest.name;
  const total = totalC / 100;
  for (const g of desc) if (g.min <= total) return g.name;
  return lowest.name;
}

/** What ranking needs of a unit: its id, category and rounded total in cents. */
export interface Rankable {
  id: string;
  category: string;
  totalC: number;
}

/**
 * Units in results order (total descending, then id) with their competition ranks overall and in
 * their category (1, 2, 2, 4): the one ranking of the engine, for a whole run and an incremental one.
 */
export function rankUnits<T extends Rankable>(units: readonly T[]): { unit: T; rank: number; categoryRank: number }[] {
  const sorted = units.slice().sort(byTotalThenId);
  const ranks = competitionRanks(sorted);
  const byCategory = new Map<string, number[]>();
  sorted.forEach((c, i) => {
    const list = byCategory.get(c.category);
    if (list) list.push(i);
    else byCategory.set(c.category, [i]);
  });
  const categoryRanks: number[] = new Array(sorted.length);
  for (const list of byCategory.values()) {
    const r = competitionRanks(list.map((i) => sorted[i]));
    list.forEach((i, k) => (categoryRanks[i] = r[k]));
  }
  return sorted.map((unit, i) => ({ unit, rank: ranks[i], categoryRank: categoryRanks[i] }));
}

/** A unit's result: its core with grade, pass and ranks. */
export function unitResult(c: UnitCore, standing: Standing | undefined, descGrades: Grade[] | undefined, rank: number, categoryRank: number): UnitResult {
  const total = c.totalC / 100;
  if (standing === undefined || descGrades === undefined) throw new Error(`no indicator set for category ${c.category}`);
  const grade = gradeFor(c.totalC, c.vetoed, descGrades);
  const pass = !c.vetoed && total >= standing.passMark;
  // Two literals (not spreads): results keep one compact layout per format.
  if (c.penaltyC !== null) {
    return {
      id: c.id,
      name: c.name,
      category: c.category,
      total,
      base: c.baseC / 100,
      bonus: c.bonusC / 100,
      penalty: c.penaltyC / 100,
      vetoed: c.vetoed,
      vetoReasons: c.vetoReasons,
      grade,
      pass,
      rank,
      categoryRank,
      contribution: c.contributionC / 100,
      dimensions: c.dimensions,
      leaves: c.leaves,
      explain: c.explain,
    };
  }
  return {
    id: c.id,
    name: c.name,
    category: c.category,
    total,
    base: c.baseC / 100,
    bonus: c.bonusC / 100,
    vetoed: c.vetoed,
    vetoReasons: c.vetoReasons,
    grade,
    pass,
    rank,
    categoryRank,
    contribution: c.contributionC / 100,
    dimensions: c.dimensions,
    leaves: c.leaves,
    explain: c.explain,
  };
}

/** Each category's grades, highest minimum first. */
export function descendingGrades(standings: ReadonlyMap<string, Standing>): Map<string, Grade[]> {
  return new Map([...standings].map(([category, s]) => [category, s.grades.slice().sort((a, b) => b.min - a.min)]));
}

/** The results format a package's results take. */
export function resultsFormat(pkg: AssessmentPackage): Results["format"] {
  return pkg.format === PACKAGE_FORMAT_2 ? RESULTS_FORMAT_2 : RESULTS_FORMAT;
}

export function assemble(pkg: AssessmentPackage, standings: ReadonlyMap<string, Standing>, cores: UnitCore[], warnings: string[]): Results {
  const desc = descendingGrades(standings);
  const units = rankUnits(cores).map((r) => unitResult(r.unit, standings.get(r.unit.category), desc.get(r.unit.category), r.rank, r.categoryRank));
  return { format: resultsFormat(pkg), title: pkg.title, units, warnings };
}
