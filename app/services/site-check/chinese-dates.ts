/**
 * Dates as Chinese government pages print them, found in a piece of text: 2026-11-20, 2026年11月20日,
 * 2026/11/20, 2026.11.20, and a bare month and day (11-20, 11月20日, 11/20) whose year is inferred
 * from the check date — the latest such day not after it. Pure: the check date is passed in.
 */

const FULL = /(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?|([-/.])(\d{1,2})\4(\d{1,2}))(?!\d)/g;
const SHORT = /(?<![\d\-/.年])(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日|([-/])(\d{1,2}))(?![\d\-/.])/g;

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD" when y/m/d is a real calendar day, else null. */
function isoDay(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2999) return null;
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  return new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * Every date in `text`, in order of appearance, as "YYYY-MM-DD". `today` ("YYYY-MM-DD", the check's
 * Beijing date) gives the year of a month-and-day date: this year if that day has come, else last year.
 */
export function extractDates(text: string, today: string): string[] {
  const found: { at: number; day: string }[] = [];
  const masked = text.replace(FULL, (match, y, m1, d1, _sep, m2, d2, offset: number) => {
    const day = isoDay(Number(y), Number(m1 ?? m2), Number(d1 ?? d2));
    if (day) found.push({ at: offset, day });
    return " ".repeat(match.length);
  });
  const year = Number(today.slice(0, 4));
  for (const match of masked.matchAll(SHORT)) {
    const m = Number(match[1]);
    const d = Number(match[2] ?? match[4]);
    const thisYear = isoDay(year, m, d);
    const day = thisYear && thisYear <= today ? thisYear : isoDay(year - 1, m, d);
    if (day) found.push({ at: match.index, day });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.day);
}

/** Whole days from `from` to `to` (both "YYYY-MM-DD"). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
