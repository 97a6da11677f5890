import type { CycleCalendar, CycleSettings } from "../../db/schema/cycles";
import { DEFAULT_GRADES } from "../../scoring";
import holidays from "../../seeds/calendar/cn-holidays.json";

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

type HolidayData = Record<string, { holidays: string[]; workdays: string[] }>;

/**
 * The working-day calendar prefilled for a cycle: the official holiday arrangements
 * (国务院办公厅关于节假日安排的通知) of the cycle's year and the next one (deadlines in a cycle
 * run into January), from seeds/calendar/cn-holidays.json. Years not in the file start empty.
 */
export function defaultCalendar(year: number): CycleCalendar {
  const data = holidays as unknown as HolidayData;
  const out: CycleCalendar = { holidays: [], workdays: [] };
  for (const y of [year, year + 1]) {
    const entry = data[String(y)];
    if (!entry) continue;
    out.holidays.push(...entry.holidays);
    out.workdays.push(...entry.workdays);
  }
  return out;
}

/** Self-inspection is due every November (policy): default 30 November of the cycle's year. */
export function defaultSelfInspectionDue(year: number): string {
  return `${year}-11-30`;
}
