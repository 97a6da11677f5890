/**
 * The self-inspection deadline: a due date "YYYY-MM-DD" means the end of that day, Beijing time
 * (UTC+8, no daylight saving). Client-safe and pure; `now` is always passed in.
 */

import { beijingToday } from "../utils/beijing-time";

const DAY_MS = 86_400_000;

/** Show the reminder banner when the deadline is this many days away or closer. */
export const REMINDER_DAYS = 7;

/** The first instant (ms since epoch) after the due date has ended in Beijing. */
export function dueEndMs(due: string): number {
  return Date.parse(`${due}T00:00:00+08:00`) + DAY_MS;
}

export function isPastDue(due: string, now: Date): boolean {
  return now.getTime() >= dueEndMs(due);
}

/** Calendar days from today (Beijing) to the due date: 0 = due today, negative = overdue. */
export function daysLeft(due: string, now: Date): number {
  return Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${beijingToday(now)}T00:00:00Z`)) / DAY_MS);
}

/** "2026-11-30 24:00（北京时间）" */
export function deadlineLabel(due: string): string {
  return `${due} 24:00（北京时间）`;
}

/** "还剩5天" / "今天截止" / "已逾期2天" (only meaningful before submission). */
export function daysLeftLabel(due: string, now: Date): string {
  if (isPastDue(due, now)) {
    const over = Math.max(1, -daysLeft(due, now));
    return `已逾期${over}天`;
  }
  const d = daysLeft(due, now);
  return d === 0 ? "今天截止" : `还剩${d}天`;
}

/** The deadline that applies to a unit: its latest extension, if any, else the cycle's due date. */
export function effectiveDue(cycleDue: string, extensionUntil: string | null | undefined): string {
  return extensionUntil ?? cycleDue;
}
