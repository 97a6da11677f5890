import Decimal from "decimal.js";
import type { CarryMode } from "../../db/schema/cycles";
import type { RuleType } from "../../scoring";

/**
 * Carry-over of stored inputs when an amendment changes a leaf's points (修订后原有得分的处理):
 * - rescale: values measured in points (evaluator scores, ad-hoc deduction points, an override)
 *   are multiplied by new ÷ old points;
 * - clamp: those values are kept, but never above the new points;
 * - reset: the input is cleared and must be entered again.
 * Values not measured in points (ratios, tier values, event times, fault counts) are kept: the
 * engine applies the new points to them by itself. Not-applicable inputs are kept unless reset.
 * Rescaled values are exact decimals rounded half up to 6 places (well below the 2 places of any
 * published score).
 */

type Input = Record<string, unknown>;

const isObj = (x: unknown): x is Input => typeof x === "object" && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

export const CARRY_PLACES = 6;

function carryValue(v: number, mode: Exclude<CarryMode, "reset">, oldPoints: number, newPoints: number): number {
  if (mode === "clamp") return Math.min(v, newPoints);
  if (oldPoints === 0) return Math.min(v, newPoints);
  const scaled = new Decimal(v).times(new Decimal(newPoints)).dividedBy(new Decimal(oldPoints));
  return Math.min(scaled.toDecimalPlaces(CARRY_PLACES, Decimal.ROUND_HALF_UP).toNumber(), newPoints);
}

/** The input after carry-over; null means cleared (must be re-entered). */
export function carryInput(
  input: Input | null,
  ruleType: RuleType,
  oldPoints: number,
  newPoints: number,
  mode: CarryMode,
): Input | null {
  if (input === null) return null;
  if (mode === "reset") return null;
  if (input.na === true) return input;
  const out: Input = { ...input };
  if (ruleType === "score" && Array.isArray(input.scores)) {
    out.scores = input.scores.map((s) => {
      if (isNum(s)) return carryValue(s, mode, oldPoints, newPoints);
      if (isObj(s) && isNum(s.value)) return { ...s, value: carryValue(s.value, mode, oldPoints, newPoints) };
      return s;
    });
  }
  if (ruleType === "deduction" && mode === "rescale" && Array.isArray(input.deductions)) {
    out.deductions = input.deductions.map((d) => {
      if (isObj(d) && d.fault === undefined && isNum(d.points) && oldPoints > 0) {
        const scaled = new Decimal(d.points).times(new Decimal(newPoints)).dividedBy(new Decimal(oldPoints));
        return { ...d, points: scaled.toDecimalPlaces(CARRY_PLACES, Decimal.ROUND_HALF_UP).toNumber() };
      }
      return d;
    });
  }
  if (isObj(input.override) && isNum(input.override.value)) {
    out.override = { ...input.override, value: carryValue(input.override.value, mode, oldPoints, newPoints) };
  }
  return out;
}
