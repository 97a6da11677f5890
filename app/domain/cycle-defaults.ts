import type { CycleSettings } from "../../db/schema/cycles";
import { DEFAULT_GRADES } from "../../scoring";

/** Policy floor: 政务公开 must weigh at least 4% of a unit's annual performance score. */
export const MIN_OPENNESS_WEIGHT_PCT = 4;
export const DEFAULT_OPENNESS_WEIGHT_PCT = 5;
export const MIN_WEIGHT_MESSAGE = "政务公开工作分值权重不得低于4%";

export function defaultCycleSettings(): CycleSettings {
  return {
    scale: 100,
    bonusGate: 80,
    vetoScore: 0,
    passMark: 60,
    grades: DEFAULT_GRADES.map((g) => ({ ...g })),
    reconcile: "mean",
    divergence: 0.2,
    evaluatorsPerUnit: 2,
  };
}

/** Self-inspection is due every November (policy): default 30 November of the cycle's year. */
export function defaultSelfInspectionDue(year: number): string {
  return `${year}-11-30`;
}
