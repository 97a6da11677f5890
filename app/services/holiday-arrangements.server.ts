import chineseDays from "chinese-days";
import type { CycleCalendar } from "../../db/schema/cycles";

/**
 * The official holiday arrangements (国务院办公厅关于节假日安排的通知), from the well-kept
 * `chinese-days` package: a year's statutory holidays and days off in lieu (节假日) and the weekend
 * days worked in lieu (调休上班日). A year the package does not know yet (the State Council
 * publishes the next year's arrangement around November) has no arrangement: null.
 */
export interface HolidayArrangement {
  holidays: string[];
  workdays: string[];
}

function* daysOf(year: number): Generator<{ iso: string; weekend: boolean }> {
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const d = new Date(t);
    const weekday = d.getUTCDay();
    yield { iso: d.toISOString().slice(0, 10), weekend: weekday === 0 || weekday === 6 };
  }
}

// The package is CommonJS (UMD) without named ESM exports: Node gives its exports as the default.
const { getHolidaysInRange, isWorkday } = chineseDays;

export function officialArrangement(year: number): HolidayArrangement | null {
  const holidays = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false);
  if (holidays.length === 0) return null;
  const workdays: string[] = [];
  for (const day of daysOf(year)) if (day.weekend && isWorkday(day.iso)) workdays.push(day.iso);
  return { holidays: [...holidays].sort(), workdays };
}

/**
 * The working-day calendar prefilled for a cycle: the official holiday arrangements
 * (国务院办公厅关于节假日安排的通知) of the cycle's year and the next one (deadlines in a cycle
 * run into January), as far as they are known (app/domain/holiday-arrangements.ts). A year not
 * known yet contributes nothing; the cycle page says so and publishing waits for the office.
 */
export function defaultCalendar(year: number): CycleCalendar {
  const out: CycleCalendar = { holidays: [], workdays: [] };
  for (const y of [year, year + 1]) {
    const arrangement = officialArrangement(y);
    if (!arrangement) continue;
    out.holidays.push(...arrangement.holidays);
    out.workdays.push(...arrangement.workdays);
  }
  return out;
}
