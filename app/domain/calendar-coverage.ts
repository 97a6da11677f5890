import type { CycleCalendar } from "../../db/schema/cycles";

/** Whether the calendar holds any holiday or worked weekend day of `year`. */
export function calendarCoversYear(calendar: Pick<CycleCalendar, "holidays" | "workdays">, year: number): boolean {
  const prefix = `${year}-`;
  return calendar.holidays.some((d) => d.startsWith(prefix)) || calendar.workdays.some((d) => d.startsWith(prefix));
}

export interface CalendarCoverage {
  /** The cycle's own year has no holidays in the calendar and the office has not confirmed that. */
  yearMissing: boolean;
  /** The office confirmed the cycle's year runs without holidays (the arrangement is missing). */
  emptyConfirmed: boolean;
  /** The next year (deadlines run into January) has no holidays in the calendar: a note only. */
  nextYearMissing: boolean;
}

export function calendarCoverage(calendar: CycleCalendar, year: number): CalendarCoverage {
  const covers = calendarCoversYear(calendar, year);
  const emptyConfirmed = !covers && calendar.emptyConfirmed === true;
  return { yearMissing: !covers && !emptyConfirmed, emptyConfirmed, nextYearMissing: !calendarCoversYear(calendar, year + 1) };
}

/** Why a cycle whose calendar lacks its year may not be published (the precondition's message). */
export function missingArrangementMessage(year: number): string {
  return `工作日历中没有${year}年的节假日安排（系统尚未收录国务院办公厅${year}年节假日安排的通知）：请按通知录入节假日和调休上班日，或确认${year}年按无节假日的日历执行`;
}
