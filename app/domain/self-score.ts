import { headerScorer, scorePackage, type AssessmentPackageInput, type LeafInput, type LeafResult, type LeafRule, type ScoreOutcome, type UnitInput } from "../../scoring";
import { designatedEntry } from "./designated-source";
import type { CategoryRules, CycleCalendar, CycleSettings } from "../../db/schema/cycles";
import { leavesOf, toPackageNodes, type IndicatorSpec } from "./indicator-spec";
import { categoryRulesFields, packageFormatFor } from "./package-format";

/**
 * The self-score preview (自评分预估): the unit's answers scored by the scoring engine — the same
 * engine that scores the year, never a second implementation. Client-safe, so the leaf page
 * recomputes it in the browser as the department types.
 *
 * Leaves not answered yet count as 0 points (the engine needs an input for every leaf, so each
 * gets the input that scores 0 under its rule); the preview says how many there are.
 */

export interface PreviewContext {
  title: string;
  opennessWeightPct: number;
  settings: Pick<CycleSettings, "scale" | "bonusGate" | "vetoScore" | "passMark" | "grades" | "reconcile" | "divergence">;
  calendar: CycleCalendar;
  indicators: IndicatorSpec[];
  /** The unit's category's own settings (weight, grades, pass mark, bonus gate), when it has them. */
  categoryRules?: CategoryRules;
}

export interface SelfScorePreview {
  total: number;
  base: number;
  bonus: number;
  vetoed: boolean;
  grade: string;
  explain: string;
  /** Per leaf code; `answered` false for leaves scored 0 because they have no answer yet. */
  leaves: Record<string, LeafResult & { answered: boolean }>;
  unanswered: number;
}

export const UNANSWERED_NOTE = "未填报";

/** An input that scores 0 under the rule (used only for leaves without an answer yet). */
export function zeroInput(rule: LeafRule, points: number): LeafInput {
  switch (rule.type) {
    case "score":
      if (rule.designated !== undefined) return { scores: [designatedEntry(rule.designated, rule.designatedKind, 0)], ...(rule.discretionMax !== undefined ? { reason: UNANSWERED_NOTE } : {}) };
      return rule.discretionMax !== undefined ? { scores: [0], reason: UNANSWERED_NOTE } : { scores: [0] };
    case "deduction":
      // A penalty leaf (points 0) loses nothing unanswered; a bounded discretion cannot deduct everything, so 0 is set directly.
      if (points === 0) return { deductions: [] };
      if (rule.discretionMax !== undefined) return { deductions: [], override: { value: 0, reason: UNANSWERED_NOTE, by: "arbitration" } };
      return { deductions: [{ points, reason: UNANSWERED_NOTE }] };
    case "ratio":
      return { value: 0 };
    case "tiers":
      return { value: Math.min(0, ...rule.tiers.map((t) => t.min)) - 1 };
    case "timeliness":
      // One event that missed any limit.
      return { events: [{ start: "2000-01-03T00:00:00+08:00", end: "2199-12-31T00:00:00+08:00", label: UNANSWERED_NOTE }] };
    case "veto":
      return { triggered: false };
    case "checklist":
      return { tasks: rule.tasks.map((t) => ({ task: t.code, done: false })) };
  }
}

/**
 * The unit's own score on a leaf scored from a designated source (以…评价为准) stands in for that
 * source in its own estimate: the engine takes the designated entry alone.
 */
function asOwnSource(rule: LeafRule, input: LeafInput): LeafInput {
  if (rule.type !== "score" || rule.designated === undefined || !input.scores) return input;
  const { designated, designatedKind } = rule;
  return { ...input, scores: input.scores.map((s) => designatedEntry(designated, designatedKind, typeof s === "number" ? s : s.value)) };
}

/** Headers validated and compiled for scoring, by their content (a unit's set, as the leaf pages of one category share it). */
const scorers = new Map<string, ReturnType<typeof headerScorer>>();
const SCORERS_KEPT = 8;

/**
 * Score one unit against a package header (`units: []`), compiling each distinct header once. A
 * header the engine refuses is validated together with the unit, so the unit's own errors still
 * come back with the header's.
 */
function scoreOne(header: AssessmentPackageInput, unit: UnitInput): ScoreOutcome {
  const key = JSON.stringify(header);
  let s = scorers.get(key);
  if (!s) {
    s = headerScorer(header);
    if (scorers.size >= SCORERS_KEPT) scorers.delete(scorers.keys().next().value as string);
    scorers.set(key, s);
  }
  return s.ok ? s.score([unit]) : scorePackage({ ...header, units: [unit] });
}

/**
 * Score the unit's answers. `inputs` maps leaf code → saved input; missing or null = not answered.
 * Returns null if the engine refuses the package (an answer that does not fit its rule).
 */
export function computeSelfScore(ctx: PreviewContext, inputs: Record<string, LeafInput | null | undefined>): SelfScorePreview | null {
  const leaves = leavesOf(ctx.indicators);
  const unitInputs: Record<string, LeafInput> = {};
  let unanswered = 0;
  for (const leaf of leaves) {
    if (!leaf.rule) continue;
    const given = inputs[leaf.code];
    if (given) unitInputs[leaf.code] = asOwnSource(leaf.rule, given);
    else {
      unanswered++;
      unitInputs[leaf.code] = zeroInput(leaf.rule, leaf.points);
    }
  }
  const indicatorSets = [{ category: "自查", indicators: toPackageNodes(ctx.indicators), ...categoryRulesFields(ctx.categoryRules) }];
  const header: AssessmentPackageInput = {
    format: packageFormatFor(indicatorSets),
    title: ctx.title,
    opennessWeightPct: ctx.opennessWeightPct,
    scale: ctx.settings.scale,
    bonusGate: ctx.settings.bonusGate,
    vetoScore: ctx.settings.vetoScore,
    passMark: ctx.settings.passMark,
    grades: ctx.settings.grades,
    reconcile: ctx.settings.reconcile,
    divergence: ctx.settings.divergence,
    calendar: ctx.calendar,
    indicatorSets,
    units: [],
  };
  const scored = scoreOne(header, { id: "self", name: "本单位", category: "自查", inputs: unitInputs });
  if (!scored.ok) return null;
  const unit = scored.results.units[0];
  const out: SelfScorePreview["leaves"] = {};
  for (const [code, r] of Object.entries(unit.leaves)) {
    const answered = !!inputs[code];
    out[code] = answered ? { ...r, answered } : { ...r, answered, explain: `${UNANSWERED_NOTE}，暂按0分计` };
  }
  return { total: unit.total, base: unit.base, bonus: unit.bonus, vetoed: unit.vetoed, grade: unit.grade, explain: unit.explain, leaves: out, unanswered };
}

/**
 * Check one leaf's input against its rule with the engine's validator; returns the engine's
 * Chinese messages (empty when the input fits).
 */
export function engineInputErrors(ctx: PreviewContext, code: string, input: LeafInput): string[] {
  const leaves = leavesOf(ctx.indicators);
  const unitInputs: Record<string, LeafInput> = {};
  for (const leaf of leaves) if (leaf.rule) unitInputs[leaf.code] = leaf.code === code ? asOwnSource(leaf.rule, input) : zeroInput(leaf.rule, leaf.points);
  const indicatorSets = [{ category: "自查", indicators: toPackageNodes(ctx.indicators) }];
  const scored = scoreOne(
    { format: packageFormatFor(indicatorSets), opennessWeightPct: ctx.opennessWeightPct, calendar: ctx.calendar, indicatorSets, units: [] },
    { id: "self", name: "本单位", category: "自查", inputs: unitInputs },
  );
  if (scored.ok) return [];
  const prefix = `units[0].inputs.${code}`;
  const own = scored.errors.filter((e) => e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`));
  // Problems elsewhere (the tree itself) are not this answer's fault; the preview reports them.
  return own.map((e) => e.message);
}
