// Public API of the scoring engine, its only entry: app code imports from here alone. Pure: no
// clock, no randomness, no I/O.
import { compute, computeWith, scorer } from "./compute";
import type { Results, ValidationError } from "./schema";
import { validateHeader, validatePackage } from "./validate";

export { assessmentPackageSchema, leafRuleSchema, indicatorNodeSchema, leafInputSchema } from "./schema";
export { DIMENSIONS, DIMENSION_KEYS, PACKAGE_FORMAT, PACKAGE_FORMAT_2, RESULTS_FORMAT, RESULTS_FORMAT_2, DEFAULT_GRADES, NODE_PARTS } from "./schema";
export type {
  AssessmentPackage,
  AssessmentPackageInput,
  IndicatorSet,
  IndicatorNode,
  LeafRule,
  RuleType,
  Fault,
  ChecklistTask,
  TaskEntry,
  LeafInput,
  UnitInput,
  ScoreEntry,
  DeductionEntry,
  TimelinessEvent,
  Override,
  Grade,
  Dimension,
  Part,
  NodePart,
  BonusGate,
  Results,
  UnitResult,
  LeafResult,
  ValidationError,
} from "./schema";
export { validatePackage, validateIndicatorTree } from "./validate";
export type { ValidationResult, TreeValidationOptions, HeaderValidation } from "./validate";
export { compute } from "./compute";
export { recomputeUnits, withRanks } from "./recompute";
export type { KeptUnit, RankedUnit, RecomputeOutcome } from "./recompute";
export {
  isWithinLimit,
  addWorkingDays,
  isWorkingDay,
  workingDayDeadline,
  parseInstant,
  parseDate,
} from "./calendar";
export type { CalendarInput, Limit } from "./calendar";
export { formatScore, roundScore } from "./decimal";
export { DESIGNATED_KINDS, designatedPhrase, fromDesignated, missingDesignatedMessage } from "./designated";
export type { DesignatedKind } from "./designated";

/**
 * The results document as text, as `npm run score` writes it and the platform stores and publishes
 * it: compact JSON in the engine's key order with a final newline (deterministic, so the same
 * package always gives byte-identical results).
 */
export function resultsText(results: Results): string {
  return `${JSON.stringify(results)}\n`;
}

/** Validate, then compute: the single code path used by the CLI and the app. */
export function scorePackage(
  input: unknown,
): { ok: true; results: Results } | { ok: false; errors: ValidationError[] } {
  const v = validatePackage(input);
  if (!v.ok) return { ok: false, errors: v.errors };
  return { ok: true, results: compute(v.pkg) };
}

export type ScoreOutcome = { ok: true; results: Results } | { ok: false; errors: ValidationError[] };

/**
 * A package header (a package with `units: []`) validated and compiled once, to score units against
 * it again and again (e.g. one unit's self-score preview): `score(units)` answers exactly what
 * scorePackage({ ...header, units }) would.
 */
export function headerScorer(header: unknown): { ok: true; score(units: unknown[]): ScoreOutcome } | { ok: false; errors: ValidationError[] } {
  const h = validateHeader(header);
  if (!h.ok) return h;
  const s = scorer(h.header);
  return {
    ok: true,
    score(units) {
      const v = h.validateUnits(units);
      return v.ok ? { ok: true, results: computeWith(s, v.pkg) } : { ok: false, errors: v.errors };
    },
  };
}
