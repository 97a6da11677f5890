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

/** A unit's stored result back as a core (its figures are whole cents, so × 100 is exact after rounding). */
export function coreOfResult(u: UnitResult): UnitCore {
  return {
    id: u.id,
    name: u.name,
    category: u.category,
    totalC: Math.round(u.total * 100),
    baseC: Math.round(u.base * 100),
    bonusC: Math.round(u.bonus * 100),
    penaltyC: u.penalty === undefined ? null : Math.round(u.penalty * 100),
    vetoed: u.vetoed,
    vetoReasons: u.vetoReasons,
    contributionC: Math.round(u.contribution * 100),
    dimensions: u.dimensions,
    leaves: u.leaves,
    explain: u.explain,
    allNa: false,
  };
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

export function assemble(pkg: AssessmentPackage, standings: ReadonlyMap<string, Standing>, cores: UnitCore[], warnings: string[]): Results {
  const sorted = cores.slice().sort(byTotalThenId);
  const ranks = competitionRanks(sorted);

  const byCategory = new Map<string, UnitCore[]>();
  for (const c of sorted) {
    const list = byCategory.get(c.category);
    if (list) list.push(c);
    else byCategory.set(c.category, [c]);
  }
  const categoryRank = new Map<UnitCore, number>();
  for (const list of byCategory.values()) {
    const r = competitionRanks(list);
    list.forEach((c, i) => categoryRank.set(c, r[i]));
  }

  const desc = new Map([...standings].map(([category, s]) => [category, s.grades.slice().sort((a, b) => b.min - a.min)]));
  const units: UnitResult[] = sorted.map((c, i) => {
    const total = c.totalC / 100;
    const standing = standings.get(c.category);
    if (standing === undefined) throw new Error(`no indicator set for category ${c.category}`);
    const grade = gradeFor(c.totalC, c.vetoed, desc.get(c.category) as Grade[]);
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
        rank: ranks[i],
        categoryRank: categoryRank.get(c) as number,
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
      rank: ranks[i],
      categoryRank: categoryRank.get(c) as number,
      contribution: c.contributionC / 100,
      dimensions: c.dimensions,
      leaves: c.leaves,
      explain: c.explain,
    };
  });
  return { format: pkg.format === PACKAGE_FORMAT_2 ? RESULTS_FORMAT_2 : RESULTS_FORMAT, title: pkg.title, units, warnings };
}
