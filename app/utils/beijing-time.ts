/**
 * The one formatter of times people read. Times are stored as UTC ISO strings; every page, export
 * (Excel, PDF) and the audit log shows them as Beijing wall-clock time (Asia/Shanghai) through
 * these functions. Client-safe: no server imports.
 */

const PARTS = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Beijing wall-clock fields of an instant. */
function beijingParts(ms: number): { date: string; minute: string; second: string } {
  const p: Record<string, string> = {};
  for (const { type, value } of PARTS.formatToParts(ms)) p[type] = value;
  const date = `${p.year}-${p.month}-${p.day}`;
  const minute = `${p.hour}:${p.minute}`;
  return { date, minute, second: `${minute}:${p.second}` };
}

/**
 * An instant (ISO string with offset, e.g. "2026-03-01T06:05:09.123Z") → "2026-03-01 14:05:09"
 * (Beijing time), or "2026-03-01 14:05" with `precision: "minute"`. Empty for no time; text that
 * is not a time is shown as it is.
 */
export function formatBeijingTime(iso: string | null | undefined, precision: "minute" | "second" = "second"): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = beijingParts(ms);
  return `${p.date} ${precision === "minute" ? p.minute : p.second}`;
}

/** An instant → "2026-03-01T14:05" in Beijing time: the value of a datetime-local input. */
export function beijingDateTimeLocal(ms: number): string {
  const p = beijingParts(ms);
  return `${p.date}T${p.minute}`;
}

/** The UTC instant at which a Beijing calendar day ("2026-03-01") starts (China keeps no daylight saving). */
export function beijingDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000+08:00`));
}

/** Today's date in Beijing, "YYYY-MM-DD". */
export function beijingToday(now = new Date()): string {
  return beijingParts(now.getTime()).date;
}
