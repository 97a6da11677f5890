import Decimal from "decimal.js";

/**
 * Loss analysis (共性问题分析) of one cycle's results: for every indicator of every unit category,
 * how many of the units it applies to lost points on it, the share of them, the average points
 * lost (over the units it applies to), and the problems behind the losses — each fault of the
 * rule (扣分情形) or ad-hoc deduction reason, counted once per unit, with how many of those units
 * it was found in a spot check (抽查发现) — and the number of spot-check findings on it.
 *
 * Base and penalty (扣分项) indicators are analysed; bonus points not earned and veto items are not
 * losses. Pure and client-safe: the service feeds it the package header and the unit entries one
 * at a time. Figures are exact (integer cents) and rounded once, half up, to two places.
 */

/** An indicator of a category's set, with its rule's faults (code → label). */
export interface LossIndicatorDef {
  id: string;
  name: string;
  points: number;
  part: string;
  faults: Readonly<Record<string, string>>;
}

export interface LossCategoryDef {
  category: string;
  indicators: readonly LossIndicatorDef[];
}

/** A deduction entry of a unit's input (zwgk-assessment/1): a rule's fault or an ad-hoc deduction with its reason. */
export interface LossDeduction {
  fault?: string;
  reason?: string;
  source?: string;
}

/** One unit: its category, its leaves' results, and the deductions of its inputs by leaf id. */
export interface LossUnit {
  category: string;
  leaves: Readonly<Record<string, { score: number; max: number; na: boolean }>>;
  deductions: Readonly<Record<string, readonly LossDeduction[] | undefined>>;
}

export interface ProblemCount {
  label: string;
  /** Units that lost points on the indicator with this problem. */
  units: number;
  /** Of those, units where a spot check found it. */
  fromFindings: number;
}

export interface IndicatorLoss {
  id: string;
  name: string;
  points: number;
  /** Units of the category the indicator applies to (not 不适用). */
  applicable: number;
  /** Of those, units that lost points on it. */
  losing: number;
  /** losing / applicable in per cent, two places (null when it applies to no unit). */
  sharePct: number | null;
  /** All points lost on it. */
  totalLost: number;
  /** totalLost / applicable, two places (null when it applies to no unit). */
  averageLost: number | null;
  /** Problems behind the losses, most frequent first. */
  problems: ProblemCount[];
  /** Spot-check findings (抽查发现) recorded on it. */
  findings: number;
}

export interface CategoryLoss {
  category: string;
  units: number;
  indicators: IndicatorLoss[];
}

const FINDING_PREFIX = "抽查发现#";
const ANALYSED_PARTS = new Set(["base", "penalty"]);

const cents = (n: number) => new Decimal(n).times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();

interface IndicatorTally {
  def: LossIndicatorDef;
  applicable: number;
  losing: number;
  lostCents: number;
  problems: Map<string, { units: number; fromFindings: number }>;
  findings: Set<string>;
}

export class LossAnalysis {
  private readonly tallies = new Map<string, { units: number; indicators: IndicatorTally[] }>();

  constructor(categories: readonly LossCategoryDef[]) {
    for (const c of categories) {
      const indicators = c.indicators
        .filter((i) => ANALYSED_PARTS.has(i.part))
        .map((def) => ({ def, applicable: 0, losing: 0, lostCents: 0, problems: new Map(), findings: new Set<string>() }));
      this.tallies.set(c.category, { units: 0, indicators });
    }
  }

  add(unit: LossUnit): void {
    const tally = this.tallies.get(unit.category);
    if (!tally) throw new Error(`loss analysis: no indicator set for category ${unit.category}`);
    tally.units++;
    for (const t of tally.indicators) {
      const leaf = unit.leaves[t.def.id];
      if (!leaf || leaf.na) continue;
      t.applicable++;
      const deductions = unit.deductions[t.def.id] ?? [];
      for (const d of deductions) if (d.source?.startsWith(FINDING_PREFIX)) t.findings.add(d.source);
      const lost = cents(leaf.max) - cents(leaf.score);
      if (lost <= 0) continue;
      t.losing++;
      t.lostCents += lost;
      const seen = new Map<string, boolean>();
      for (const d of deductions) {
        const label = problemLabel(t.def, d);
        if (label === null) continue;
        const found = d.source?.startsWith(FINDING_PREFIX) ?? false;
        seen.set(label, (seen.get(label) ?? false) || found);
      }
      for (const [label, found] of seen) {
        const p = t.problems.get(label) ?? { units: 0, fromFindings: 0 };
        p.units++;
        if (found) p.fromFindings++;
        t.problems.set(label, p);
      }
    }
  }

  /** The analysis, categories in the order given, indicators in their set's order. */
  result(): CategoryLoss[] {
    return [...this.tallies].map(([category, tally]) => ({
      category,
      units: tally.units,
      indicators: tally.indicators.map((t) => ({
        id: t.def.id,
        name: t.def.name,
        points: t.def.points,
        applicable: t.applicable,
        losing: t.losing,
        sharePct: t.applicable === 0 ? null : ratio(t.losing * 100, t.applicable),
        totalLost: t.lostCents / 100,
        averageLost: t.applicable === 0 ? null : ratio(t.lostCents, t.applicable * 100),
        problems: [...t.problems]
          .map(([label, p]) => ({ label, ...p }))
          .sort((a, b) => b.units - a.units || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)),
        findings: t.findings.size,
      })),
    }));
  }
}

/** n / d rounded half up to two places. */
function ratio(n: number, d: number): number {
  return new Decimal(n).div(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

function problemLabel(def: LossIndicatorDef, d: LossDeduction): string | null {
  if (d.fault !== undefined) {
    const label = def.faults[d.fault];
    if (label === undefined) throw new Error(`loss analysis: indicator ${def.id} has no fault ${d.fault}`);
    return label;
  }
  const reason = d.reason?.trim();
  return reason ? reason : null;
}

export function analyseLosses(categories: readonly LossCategoryDef[], units: Iterable<LossUnit>): CategoryLoss[] {
  const analysis = new LossAnalysis(categories);
  for (const u of units) analysis.add(u);
  return analysis.result();
}

/**
 * The indicators most units lost points on, per category (most losing units first, then most
 * points lost; indicators nobody lost points on are left out).
 */
export function topLosses(category: CategoryLoss, n: number): IndicatorLoss[] {
  return category.indicators
    .filter((i) => i.losing > 0)
    .slice()
    .sort((a, b) => b.losing - a.losing || b.totalLost - a.totalLost || (a.id < b.id ? -1 : 1))
    .slice(0, n);
}

/** Two decimals as written (the figures are already rounded). */
const two = (n: number) => n.toFixed(2);

/**
 * The common-problems paragraphs of the 通报: an opening sentence, then per category its most
 * widely lost indicators with the share of units, the average points lost and the most frequent
 * problems.
 */
export function commonProblemsText(analysis: readonly CategoryLoss[], perCategory = 3): string[] {
  const parts: string[] = [];
  for (const c of analysis) {
    const top = topLosses(c, perCategory);
    if (top.length === 0) continue;
    const items = top.map((i) => {
      const problems = i.problems.slice(0, 2).map((p) => `${p.label}（${p.units}个单位${p.fromFindings > 0 ? `，其中抽查发现${p.fromFindings}个` : ""}）`);
      return `“${i.name}”有${i.losing}个单位失分（占${two(i.sharePct ?? 0)}%，平均失分${two(i.averageLost ?? 0)}分）${problems.length > 0 ? `，主要问题为${problems.join("、")}` : ""}`;
    });
    parts.push(`${c.category}（${c.units}个单位）：${items.join("；")}。`);
  }
  return parts.length > 0 ? ["从失分情况看，共性问题主要集中在以下方面。", ...parts] : ["本年度各单位均未在考核指标上失分。"];
}
